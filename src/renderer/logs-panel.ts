import type { LogLine } from '../shared/host-api.js';
import { h, replaceChildren } from './dom.js';
import { t } from './i18n.js';

type Component = 'asis' | 'tobe' | 'host';

/** Recent log lines of a slot or the host, refreshed every few seconds. */
export function mountLogsPanel(container: HTMLElement, load: (component: Component) => Promise<LogLine[]>): void {
  let component: Component = 'asis';
  const list = h('ol', { class: 'log-lines', 'data-testid': 'log-lines' });
  const picker = h('select', { 'aria-label': t('logs'), onchange: (event) => {
    component = (event.target as HTMLSelectElement).value as Component;
    void refresh();
  } }, h('option', { value: 'asis' }, 'AS-IS'), h('option', { value: 'tobe' }, 'TO-BE'), h('option', { value: 'host' }, 'host'));
  replaceChildren(container, h('h2', {}, t('logs'), ' ', picker), list);
  const refresh = async (): Promise<void> => {
    const lines = await load(component).catch((error: Error) => [{ time: new Date().toISOString(), level: 'error' as const, message: error.message, details: {} }]);
    replaceChildren(list, ...lines.slice(-30).reverse().map((line) => h('li', { class: `level-${line.level}` },
      h('span', { class: 'time' }, line.time.slice(11, 19)), ' ', h('span', { class: 'level' }, line.level), ' ', line.message)));
  };
  void refresh();
  setInterval(() => void refresh(), 5000);
}
