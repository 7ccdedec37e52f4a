import type { PathChoice, PathChooser, SettingsUpdate } from '../shared/host-api.js';
import type { GpuPassphraseStatus } from '../shared/release-api.js';
import { SETTING_TAKES_EFFECT, type Settings } from '../shared/settings.js';
import { choosePathButton } from './choose-path-button.js';
import { h, replaceChildren } from './dom.js';
import { language, setLanguage, t, type Language, type MessageKey } from './i18n.js';

type Field = {
  key: keyof Settings;
  label: string;
  kind: 'text' | 'number' | 'checkbox' | 'select';
  options?: string[];
  /** What the setting does, shown under it. */
  hint?: MessageKey;
  /** A fraction or factor: any step, where the browser would otherwise accept whole numbers only. */
  fractional?: boolean;
  /** A path on the host's machine that the app's open dialog can fill. */
  choose?: PathChoice;
};

const FIELDS: Array<{ group: string; fields: Field[] }> = [
  { group: 'Servers', fields: [
    { key: 'host', label: 'Bind address', kind: 'text' },
    { key: 'asisPort', label: 'AS-IS port', kind: 'number' },
    { key: 'tobePort', label: 'TO-BE port', kind: 'number' },
    { key: 'controlPort', label: 'Control port', kind: 'number' },
    { key: 'maxUploadBytes', label: 'Max upload (bytes)', kind: 'number' },
    { key: 'logLevel', label: 'Log level', kind: 'select', options: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] },
  ] },
  { group: 'GPU server', fields: [
    { key: 'gpuHost', label: 'Host or ~/.ssh/config alias', kind: 'text' },
    { key: 'gpuPort', label: 'Port (0: from SSH config)', kind: 'number' },
    { key: 'gpuUser', label: 'User', kind: 'text' },
    { key: 'gpuKeyPath', label: 'Private key file', kind: 'text', choose: 'gpu-key' },
    { key: 'gpuUseAgent', label: 'Use ssh-agent', kind: 'checkbox' },
    { key: 'gpuRunsDir', label: 'Runs folder', kind: 'text' },
    { key: 'gpuHostKeyFingerprint', label: 'Pinned host key (SHA256:...)', kind: 'text' },
    { key: 'pollIntervalMinutes', label: 'Check every (minutes)', kind: 'number' },
    { key: 'autoDeploy', label: 'Auto-deploy', kind: 'checkbox' },
    { key: 'historyLimit', label: 'Versions kept for rollback', kind: 'number' },
  ] },
  { group: 'Promotion gate', fields: [
    { key: 'promotionGateSet', label: 'Gate set (folder on the host)', kind: 'text', hint: 'hintPromotionGateSet', choose: 'gate-set' },
    { key: 'promotionGateMaxDrop', label: 'Largest drop allowed (0-1)', kind: 'number', fractional: true, hint: 'hintPromotionGateMaxDrop' },
    { key: 'promotionGateMaxLatencyFactor', label: 'p99 latency factor allowed', kind: 'number', fractional: true, hint: 'hintPromotionGateMaxLatencyFactor' },
    { key: 'deployGateMinimum', label: 'Deploy minimum (0-1, 0: off)', kind: 'number', fractional: true, hint: 'hintDeployGateMinimum' },
  ] },
  { group: 'Evaluations', fields: [
    { key: 'evaluationsKept', label: 'Evaluations kept', kind: 'number', hint: 'hintEvaluationsKept' },
  ] },
];

/** The GPU key passphrase: kept by the host in the keychain (the app), never in the settings. */
export interface PassphraseControl {
  status: GpuPassphraseStatus;
  save(passphrase: string): Promise<GpuPassphraseStatus>;
}

/**
 * The Preferences view: every setting in one form, saved through the host (validated there), and
 * where the host can keep one, the GPU key passphrase in a form of its own. With `choosePath` (the
 * app), path fields get a "Choose…" button.
 */
export function renderPreferences(container: HTMLElement, settings: Settings, save: (change: Partial<Settings>) => Promise<SettingsUpdate>, onLanguage: () => void, passphrase?: PassphraseControl, choosePath?: PathChooser): void {
  const note = h('p', { role: 'status', 'data-testid': 'preferences-message' });
  const inputs = new Map<keyof Settings, HTMLInputElement | HTMLSelectElement>();
  const fieldset = ({ group, fields }: (typeof FIELDS)[number]): HTMLElement => h('fieldset', {}, h('legend', {}, group), ...fields.map((field) => {
    const id = `pref-${field.key}`;
    const value = settings[field.key];
    const hintId = field.hint ? `${id}-hint` : undefined;
    const input = field.kind === 'select'
      ? h('select', { id }, ...(field.options ?? []).map((option) => h('option', { value: option, selected: option === value }, option)))
      : h('input', { id, type: field.kind, step: field.fractional ? 'any' : undefined, 'aria-describedby': hintId, ...(field.kind === 'checkbox' ? { checked: Boolean(value) } : { value: String(value) }) });
    inputs.set(field.key, input);
    const chooser = field.choose && choosePath && input instanceof HTMLInputElement
      ? h('div', { class: 'path-input' }, input, choosePathButton(field.choose, input, field.label, choosePath, (message) => {
        note.className = message ? 'error' : '';
        note.textContent = message ?? '';
      }))
      : input;
    return h('div', { class: 'field' }, h('label', { for: id }, field.label), chooser, field.hint ? h('p', { id: hintId, class: 'muted hint' }, t(field.hint)) : null);
  }));
  const languagePicker = h('select', { id: 'pref-language', onchange: (event) => {
    setLanguage((event.target as HTMLSelectElement).value as Language);
    onLanguage();
  } }, h('option', { value: 'ko', selected: language() === 'ko' }, '한국어'), h('option', { value: 'en', selected: language() === 'en' }, 'English'));
  const form = h('form', { class: 'preferences', onsubmit: (event) => {
    event.preventDefault();
    const change: Partial<Record<keyof Settings, unknown>> = {};
    for (const [key, input] of inputs) {
      const value = input instanceof HTMLInputElement && input.type === 'checkbox' ? input.checked : input instanceof HTMLInputElement && input.type === 'number' ? Number(input.value) : input.value;
      if (value !== settings[key]) change[key] = value;
    }
    save(change as Partial<Settings>).then(
      (update) => {
        Object.assign(settings, update.settings);
        note.className = 'ok';
        note.textContent = [t('saved'), ...waitingForRestart(update.restartNeeded)].join(' ');
      },
      (error: Error) => {
        note.className = 'error';
        note.textContent = error.message;
      },
    );
  } },
  ...FIELDS.map(fieldset),
  h('fieldset', {}, h('legend', {}, 'Dashboard'), h('div', { class: 'field' }, h('label', { for: 'pref-language' }, 'Language / 언어'), languagePicker)),
  h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, t('save'))),
  note);
  replaceChildren(container, h('h2', {}, t('preferences')), form, ...(passphrase?.status.storable ? [passphraseForm(passphrase)] : []));
}

function passphraseForm(control: PassphraseControl): HTMLElement {
  const input = h('input', { id: 'pref-gpu-passphrase', type: 'password', autocomplete: 'off' });
  const note = h('p', { role: 'status', 'data-testid': 'passphrase-message' }, control.status.stored ? t('passphraseStored') : t('passphraseNone'));
  const submit = (value: string): void => {
    control.save(value).then(
      (status) => {
        input.value = '';
        note.className = 'ok';
        note.textContent = status.stored ? t('passphraseStored') : t('passphraseNone');
      },
      (error: Error) => {
        note.className = 'error';
        note.textContent = error.message;
      },
    );
  };
  return h('form', { class: 'preferences', onsubmit: (event) => {
    event.preventDefault();
    submit(input.value);
  } },
  h('fieldset', {}, h('legend', {}, t('passphraseTitle')),
    h('div', { class: 'field' }, h('label', { for: 'pref-gpu-passphrase' }, t('passphraseLabel')), input),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary' }, t('passphraseSave')),
      h('button', { type: 'button', onclick: () => submit('') }, t('passphraseForget')))),
  note);
}

/** What the saved change still waits for: a slot's restart, the host's, or nothing. */
function waitingForRestart(keys: readonly string[]): string[] {
  const waiting = (when: 'slot restart' | 'host restart'): string[] => keys.filter((key) => SETTING_TAKES_EFFECT[key as keyof Settings] === when);
  const slot = waiting('slot restart');
  const host = waiting('host restart');
  return [...(slot.length ? [`${t('restartNeeded')} ${slot.join(', ')}.`] : []), ...(host.length ? [`${t('hostRestartNeeded')} ${host.join(', ')}.`] : [])];
}
