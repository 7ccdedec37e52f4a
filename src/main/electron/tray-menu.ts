import type { MenuItemConstructorOptions } from 'electron';
import type { SlotAction, SlotState, SlotStatus } from '../../shared/host-api.js';
import type { ReleaseProgress, WatchStatus } from '../../shared/release-api.js';
import { SLOT_IDS, SLOT_TITLES, type SlotId } from '../../shared/slot-api.js';
import { menuBarStrings, type Language, type MenuBarStrings } from './menu-bar-strings.js';

/** Everything the tray menu shows. */
export interface TrayState {
  /** Both slots as the host reports them; empty until the host has started. */
  slots: readonly SlotStatus[];
  /** The deploy watcher; null until the host has started. */
  watch: WatchStatus | null;
  /** The release operation running now (deploy, promote or rollback), if any. */
  progress: ReleaseProgress | null;
  launchAtLogin: boolean;
  language: Language;
}

/** One slot, or both. */
export type SlotTarget = SlotId | 'all';

/** What the menu's items do; the menu-bar app implements them against the host. */
export interface TrayActions {
  slot(target: SlotTarget, action: SlotAction): void;
  openDashboard(): void;
  deployNow(): void;
  promote(): void;
  rollbackTobe(): void;
  setAutoDeploy(enabled: boolean): void;
  openLogsFolder(): void;
  openPreferences(): void;
  setLaunchAtLogin(enabled: boolean): void;
  quit(): void;
}

const SLOT_ACTION_ORDER: readonly SlotAction[] = ['start', 'stop', 'restart'];

/** The states from which each action makes sense (a crashed slot is waiting for its restart). */
const ACTION_FROM: Readonly<Record<SlotAction, ReadonlySet<SlotState>>> = {
  start: new Set(['stopped', 'failed', 'crashed']),
  stop: new Set(['starting', 'ready', 'crashed']),
  restart: new Set(['ready', 'failed', 'crashed']),
};

const STATE_MARK: Readonly<Record<SlotState, string>> = {
  ready: '●', starting: '◐', stopping: '◐', stopped: '○', failed: '✕', crashed: '✕',
};
const UNKNOWN_MARK = '◌';

const separator: MenuItemConstructorOptions = { type: 'separator' };

/**
 * The tray menu as a plain template (only the glue calls `Menu.buildFromTemplate`). Items carry
 * stable ids: `slot-line:<slot>`, `slot:<slot|all>:<action>`, `open-dashboard`, `deploy`,
 * `promote`, `rollback-tobe`, `auto-deploy`, `open-logs`, `preferences`, `launch-at-login`, `quit`.
 */
export function buildTrayMenu(state: TrayState, actions: TrayActions): MenuItemConstructorOptions[] {
  const t = menuBarStrings(state.language);
  const slot = (id: SlotId): SlotStatus | undefined => state.slots.find((s) => s.slot === id);
  const tobe = slot('tobe');
  const releaseBusy = state.progress !== null || state.watch?.checking === true;
  return [
    ...SLOT_IDS.map((id) => slotLine(id, slot(id), t)),
    separator,
    ...SLOT_IDS.map((id) => slotControls(id, SLOT_TITLES[id], [slot(id)], actions, t)),
    slotControls('all', t.bothSlots, SLOT_IDS.map(slot), actions, t),
    separator,
    { id: 'open-dashboard', label: t.openDashboard, accelerator: 'CommandOrControl+D', click: () => actions.openDashboard() },
    separator,
    deployItem(state, t, actions),
    { id: 'promote', label: t.promote, enabled: !releaseBusy && tobe?.state === 'ready', click: () => actions.promote() },
    { id: 'rollback-tobe', label: t.rollbackTobe, enabled: !releaseBusy && tobe !== undefined, click: () => actions.rollbackTobe() },
    autoDeployItem(state.watch, t, actions),
    separator,
    { id: 'open-logs', label: t.openLogs, click: () => actions.openLogsFolder() },
    { id: 'preferences', label: t.preferences, accelerator: 'CommandOrControl+,', click: () => actions.openPreferences() },
    // Opt-in: the app never registers itself as a login item unless the user ticks this.
    { id: 'launch-at-login', type: 'checkbox', label: t.launchAtLogin, checked: state.launchAtLogin, click: () => actions.setLaunchAtLogin(!state.launchAtLogin) },
    separator,
    { id: 'quit', label: t.quit, accelerator: 'CommandOrControl+Q', click: () => actions.quit() },
  ];
}

/** The compact status next to the tray icon: one mark per slot (AS-IS first), plus a running release's percent. */
export function trayTitle(state: TrayState): string {
  const marks = SLOT_IDS.map((id) => {
    const status = state.slots.find((s) => s.slot === id);
    return status ? STATE_MARK[status.state] : UNKNOWN_MARK;
  }).join(' ');
  const percent = state.progress?.percent;
  return percent === undefined ? marks : `${marks} ${Math.round(percent)}%`;
}

/** The tray icon's tooltip: both slots' states in words. */
export function trayTooltip(state: TrayState): string {
  const t = menuBarStrings(state.language);
  const states = SLOT_IDS.map((id) => {
    const status = state.slots.find((s) => s.slot === id);
    return `${SLOT_TITLES[id]} ${status ? t.state[status.state] : t.hostStarting}`;
  });
  return `${t.appName}: ${states.join(', ')}`;
}

/** Whether `action` makes sense for a slot in `state`. */
export function slotActionEnabled(state: SlotState, action: SlotAction): boolean {
  return ACTION_FROM[action].has(state);
}

function slotLine(id: SlotId, status: SlotStatus | undefined, t: MenuBarStrings): MenuItemConstructorOptions {
  const title = SLOT_TITLES[id];
  if (!status) return { id: `slot-line:${id}`, label: `${title}  ${UNKNOWN_MARK} ${t.hostStarting}`, enabled: false };
  const parts = [`${STATE_MARK[status.state]} ${t.state[status.state]}`, `:${status.port}`];
  parts.push(status.model ? `${status.model.name} ${status.model.version}` : t.noModel);
  if (status.error && (status.state === 'failed' || status.state === 'crashed')) parts.push(status.error.code);
  return {
    id: `slot-line:${id}`,
    label: `${title}  ${parts.join(' · ')}`,
    enabled: false,
    ...(status.error ? { toolTip: status.error.message } : {}),
  };
}

function slotControls(target: SlotTarget, title: string, statuses: (SlotStatus | undefined)[], actions: TrayActions, t: MenuBarStrings): MenuItemConstructorOptions {
  const known = statuses.filter((s): s is SlotStatus => s !== undefined);
  return {
    id: `slot:${target}`,
    label: title,
    enabled: known.length === statuses.length,
    submenu: SLOT_ACTION_ORDER.map((action) => ({
      id: `slot:${target}:${action}`,
      label: t[action],
      enabled: known.some((s) => slotActionEnabled(s.state, action)),
      click: () => actions.slot(target, action),
    })),
  };
}

function deployItem(state: TrayState, t: MenuBarStrings, actions: TrayActions): MenuItemConstructorOptions {
  const base = { id: 'deploy', click: () => actions.deployNow() };
  const { progress, watch } = state;
  if (progress) return { ...base, label: progressLabel(progress, t), enabled: false };
  if (watch?.checking) return { ...base, label: t.checkingGpu, enabled: false };
  if (!watch?.configured) return { ...base, label: watch ? t.deployNotConfigured : t.deployNow, enabled: false };
  return { ...base, label: t.deployNow, enabled: true };
}

function progressLabel(progress: ReleaseProgress, t: MenuBarStrings): string {
  const operation = t.running[progress.operation](SLOT_TITLES[progress.slot]);
  const percent = progress.percent === undefined ? '' : ` ${Math.round(progress.percent)}%`;
  return `${operation}: ${t.step[progress.step]}${percent}`;
}

function autoDeployItem(watch: WatchStatus | null, t: MenuBarStrings, actions: TrayActions): MenuItemConstructorOptions {
  let detail = '';
  if (watch && !watch.configured) detail = ` (${t.gpuNotConfigured})`;
  else if (watch?.enabled && watch.nextCheckAt) detail = ` (${t.nextCheck(clockTime(watch.nextCheckAt))})`;
  return {
    id: 'auto-deploy',
    type: 'checkbox',
    label: `${t.autoDeploy}${detail}`,
    checked: watch?.enabled ?? false,
    enabled: watch !== null,
    click: () => actions.setAutoDeploy(!(watch?.enabled ?? false)),
  };
}

/** Local wall-clock time as HH:MM. */
function clockTime(iso: string): string {
  const at = new Date(iso);
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
}
