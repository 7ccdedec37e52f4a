import type { Command } from 'commander';
import { resolve } from 'node:path';
import { SLOT_TITLES, type SlotId } from '../../../shared/slot-api.js';
import { generateSelfSignedCertificate } from '../../security/self-signed-cert.js';
import { generateToken, tokenSha256 } from '../../security/tokens.js';
import { openSettings } from '../../settings/settings-store.js';
import { dataDirOf, printJson, type GlobalOptions } from '../cli-context.js';
import { parsePositiveInt } from '../parse-options.js';
import { parseSlotId } from '../../host/slot-targets.js';
import { runningHost } from '../running-host.js';

/** `litecnn token rotate|clear` and `litecnn tls generate`: the slots' API tokens and certificates. */
export function registerSecurity(program: Command, globals: () => GlobalOptions): void {
  const token = program.command('token').description("a slot's API token (Authorization: Bearer); only its SHA-256 is stored");

  token
    .command('rotate')
    .description('make a new token for a slot (the old one stops working) and print it once')
    .requiredOption('--slot <slot>', 'asis or tobe')
    .option('--json', 'print as JSON')
    .action(async (options: { slot: string; json?: boolean }) => {
      const slot = parseSlotId(options.slot);
      const host = await runningHost(dataDirOf(globals()));
      let value: string;
      if (host) value = (await host.rotateSlotToken(slot)).token;
      else {
        value = generateToken();
        (await openSettings(dataDirOf(globals()))).set(tokenKey(slot), tokenSha256(value));
      }
      const applied = host ? 'restarted' : 'saved';
      if (options.json) return printJson({ slot, token: value, applied });
      process.stdout.write(`New ${SLOT_TITLES[slot]} token (shown only now; store it in your client's secret store):\n\n  ${value}\n\n`
        + `Clients send it as: curl -H "Authorization: Bearer ${value}" -F image=@photo.jpg .../predict\n${appliedNote(slot, applied)}\n`);
    });

  token
    .command('clear')
    .description('remove a slot\'s token: it then needs none (refused while it listens beyond loopback)')
    .requiredOption('--slot <slot>', 'asis or tobe')
    .action(async (options: { slot: string }) => {
      const slot = parseSlotId(options.slot);
      const host = await runningHost(dataDirOf(globals()));
      if (host) await host.clearSlotToken(slot);
      else (await openSettings(dataDirOf(globals()))).set(tokenKey(slot), '');
      process.stdout.write(`${SLOT_TITLES[slot]} no longer needs a token.\n${appliedNote(slot, host ? 'restarted' : 'saved')}\n`);
    });

  program
    .command('tls')
    .description('TLS certificates for the slots')
    .command('generate')
    .description('make a self-signed certificate and key (for internal use) and print the settings that use them')
    .requiredOption('--out <dir>', 'folder for cert.pem and key.pem (key.pem is readable by you only)')
    .option('--name <name...>', 'extra host names or IP addresses the certificate is valid for')
    .option('--days <n>', 'validity in days', parsePositiveInt, 825)
    .option('--json', 'print as JSON')
    .action(async (options: { out: string; name?: string[]; days: number; json?: boolean }) => {
      const generated = await generateSelfSignedCertificate(resolve(options.out), options.name ?? [], options.days);
      if (options.json) return printJson(generated);
      process.stdout.write(`Wrote ${generated.certFile} and ${generated.keyFile}\nvalid for ${generated.names.join(', ')} until ${generated.validTo}\nSHA-256 fingerprint ${generated.fingerprint256}\n\n`
        + `Serve a slot over HTTPS with it:\n  litecnn config set asisTlsCert ${generated.certFile}\n  litecnn config set asisTlsKey ${generated.keyFile}\n`
        + `Clients trust it with: curl --cacert ${generated.certFile} https://localhost:8891/predict ...\n`);
    });
}

function appliedNote(slot: SlotId, applied: 'restarted' | 'saved'): string {
  return applied === 'restarted' ? `The running ${SLOT_TITLES[slot]} slot was restarted with it.` : 'Saved; it applies when `litecnn serve` next starts.';
}

function tokenKey(slot: SlotId): 'asisTokenSha256' | 'tobeTokenSha256' {
  return slot === 'asis' ? 'asisTokenSha256' : 'tobeTokenSha256';
}
