/** The two languages of the dashboard and the menu-bar app. */
export type Language = 'ko' | 'en';
