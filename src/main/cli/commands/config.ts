import type { Command } from 'commander';
import { LiteCnnError } from '../../errors.js';
import { SETTING_KEYS, type SettingKey, type Settings } from '../../settings/settings-schema.js';
import { openSettings } from '../../settings/settings-store.js';
import { dataDirOf, printJson, type GlobalOptions } from '../cli-context.js';
import { formatTable } from '../format.js';

/** `litecnn config [get KEY | set KEY VALUE]`: the persistent settings (used by the next `serve`). */
export function registerConfig(program: Command, globals: () => GlobalOptions): void {
  const config = program.command('config').description('show or change settings (take effect at the next `litecnn serve`)');

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
      const settings = await open(globals());
      const name = settingKey(key);
      const current = settings.get(name);
      const parsed = typeof current === 'number' ? Number(value) : typeof current === 'boolean' ? parseBoolean(value) : value;
      settings.set(name, parsed as Settings[typeof name]);
      process.stdout.write(`${name} = ${JSON.stringify(settings.get(name))}\n`);
    });
}

async function open(options: GlobalOptions) {
  return openSettings(dataDirOf(options));
}

function parseBoolean(value: string): boolean | string {
  if (/^(true|on|yes|1)$/i.test(value)) return true;
  if (/^(false|off|no|0)$/i.test(value)) return false;
  return value;
}

function settingKey(key: string): SettingKey {
  if ((SETTING_KEYS as string[]).includes(key)) return key as SettingKey;
  throw new LiteCnnError('SETTINGS_INVALID', `Unknown setting "${key}". Settings: ${SETTING_KEYS.join(', ')}.`, { subject: key });
}
