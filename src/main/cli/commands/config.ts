import type { Command } from 'commander';
import { LiteCnnError } from '../../errors.js';
import { DEFAULT_SETTINGS, SETTING_KEYS, type SettingKey, type Settings } from '../../settings/settings-schema.js';
import { openSettings } from '../../settings/settings-store.js';
import { SETTING_TAKES_EFFECT } from '../../../shared/settings.js';
import { dataDirOf, printJson, type GlobalOptions } from '../cli-context.js';
import { formatTable } from '../format.js';
import { runningHost } from '../running-host.js';

/**
 * `litecnn config [get KEY | set KEY VALUE]`: the persistent settings. A change goes through the
 * running host when there is one, so that what applies at once does; else it waits in
 * settings.json for the next `litecnn serve`.
 */
export function registerConfig(program: Command, globals: () => GlobalOptions): void {
  const config = program.command('config').description('show or change settings (a running host applies a change at once, or says which restart it waits for)');

  config
    .command('list', { isDefault: true })
    .description('show every setting')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      const settings = await open(globals());
      if (options.json) return printJson(settings.all());
      const all = settings.all();
      process.stdout.write(`${settings.path}\n${formatTable(SETTING_KEYS.map((key) => [key, JSON.stringify(all[key])]))}\n`);
    });

  config
    .command('get <key>')
    .description('print one setting')
    .action(async (key: string) => {
      const settings = await open(globals());
      process.stdout.write(`${JSON.stringify(settings.get(settingKey(key)))}\n`);
    });

  config
    .command('set <key> <value>')
    .description('change one setting (numbers and strings; validated)')
    .action(async (key: string, value: string) => {
      const dataDir = dataDirOf(globals());
      const name = settingKey(key);
      const parsed = parseValue(name, value, () => openSettings(dataDir).get(name));
      // A running host validates the change and saves it itself.
      const host = await runningHost(dataDir);
      if (host) {
        const update = await host.updateSettings({ [name]: parsed });
        process.stdout.write(`${name} = ${JSON.stringify(update.settings[name])} (${whenApplied(name, update.restartNeeded.includes(name))})\n`);
        return;
      }
      const settings = openSettings(dataDir);
      settings.set(name, parsed);
      process.stdout.write(`${name} = ${JSON.stringify(settings.get(name))} (no host is running: the next \`litecnn serve\` uses it)\n`);
    });
}

function whenApplied(name: SettingKey, restartNeeded: boolean): string {
  if (!restartNeeded) return 'applied to the running host';
  if (SETTING_TAKES_EFFECT[name] === 'host restart') return 'saved; the running host uses it once restarted: stop `litecnn serve` and start it again';
  const slot = name.startsWith('asis') ? 'asis' : name.startsWith('tobe') ? 'tobe' : 'all';
  return `saved; the running host uses it once the slot restarts: \`litecnn restart ${slot}\``;
}

async function open(options: GlobalOptions) {
  return openSettings(dataDirOf(options));
}

/**
 * The command line's text as the setting's type (its default's): a number, true/false, or the
 * text itself. `current` is read only to say what the setting is now when the text does not fit.
 */
function parseValue<K extends SettingKey>(name: K, value: string, current: () => Settings[K]): Settings[K] {
  const byDefault = DEFAULT_SETTINGS[name];
  if (typeof byDefault === 'number') {
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number)) throw new LiteCnnError('SETTINGS_INVALID', `Cannot set ${name} to "${value}": it takes a number (now ${current()}).`, { subject: name });
    return number as Settings[K];
  }
  if (typeof byDefault === 'boolean') {
    if (/^(true|on|yes|1)$/i.test(value)) return true as Settings[K];
    if (/^(false|off|no|0)$/i.test(value)) return false as Settings[K];
    throw new LiteCnnError('SETTINGS_INVALID', `Cannot set ${name} to "${value}": it takes true or false (now ${current()}).`, { subject: name });
  }
  return value as Settings[K];
}

function settingKey(key: string): SettingKey {
  if ((SETTING_KEYS as string[]).includes(key)) return key as SettingKey;
  throw new LiteCnnError('SETTINGS_INVALID', `Unknown setting "${key}". Settings: ${SETTING_KEYS.join(', ')}.`, { subject: key });
}
