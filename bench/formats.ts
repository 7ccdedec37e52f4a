/** Other programs' CPU use from this much (% of one core) makes a measurement suspect; it is starred. */
export const BUSY_MACHINE_PERCENT = 20;

export const ms = (value: number): string => value.toFixed(2);
export const percent = (value: number | null): string => (value === null ? 'n/a' : `${value.toFixed(0)}%`);
export const busy = (otherPercent: number | null): string => (otherPercent === null ? 'n/a' : `${otherPercent.toFixed(0)}%${otherPercent >= BUSY_MACHINE_PERCENT ? ' *' : ''}`);
