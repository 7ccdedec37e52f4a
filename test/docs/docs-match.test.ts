import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildProgram } from '../../src/main/cli/program.js';
import { buildControlServer, type HostController } from '../../src/main/control/control-server.js';
import { ServedModel } from '../../src/main/slot/served-model.js';
import { SlotMetrics } from '../../src/main/slot/slot-metrics.js';
import { buildSlotServer } from '../../src/main/slot/slot-server.js';
import { SETTING_KEYS } from '../../src/main/settings/settings-schema.js';
import { SETTING_TAKES_EFFECT } from '../../src/shared/settings.js';
import { REPO_ROOT } from '../helpers/paths.js';

async function doc(name: string): Promise<string> {
  return readFile(join(REPO_ROOT, 'docs', name), 'utf8');
}

/** The cells of each row of the markdown tables in `text`. */
function tableRows(text: string): string[][] {
  return text.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('|---')).map((line) => line.slice(2, -2).split(/(?<!\\)\| /).map((cell) => cell.trim()));
}

test('docs/settings.md lists every setting once, with when it takes effect as the host applies it', async () => {
  const rows = tableRows(await doc('settings.md')).filter((row) => row[0]!.startsWith('`'));
  const listed = new Map(rows.flatMap((row) => [...row[0]!.matchAll(/`(\w+)`/g)].map((match) => [match[1]!, row[2]!] as const)));
  assert.deepEqual([...listed.keys()].sort(), [...SETTING_KEYS].sort());
  for (const key of SETTING_KEYS) assert.equal(listed.get(key), SETTING_TAKES_EFFECT[key], key);
});

/** Every command of the CLI, as the words that name it (`['token', 'rotate']`), with its long options. */
function commands(command: Command, path: string[] = []): { path: string[]; options: string[] }[] {
  return command.commands.flatMap((sub) => {
    const subPath = [...path, sub.name()];
    const own = sub.commands.length ? [] : [{ path: subPath, options: sub.options.flatMap((option) => (option.long ? [option.long] : [])) }];
    return [...own, ...commands(sub, subPath)];
  });
}

test('docs/cli.md has a row for every command, naming each of its options', async () => {
  const rows = tableRows(await doc('cli.md')).map((row) => row.join(' '));
  const program = buildProgram();
  const missing: string[] = [];
  for (const { path, options } of commands(program)) {
    const [first, second] = path;
    // `litecnn start\|stop\|restart`, `litecnn config [list\|get KEY\|set KEY VALUE]`: one row for several.
    const names = new RegExp(`litecnn (\\S+\\\\\\|)*${first}\\b${second ? `[\\s\\S]*\\b${second}\\b` : ''}`);
    const row = rows.find((text) => names.test(text));
    if (!row) missing.push(`litecnn ${path.join(' ')}`);
    else missing.push(...options.filter((option) => !row.includes(option)).map((option) => `litecnn ${path.join(' ')} ${option}`));
  }
  const page = await doc('cli.md');
  missing.push(...program.options.flatMap((option) => (page.includes(option.long!) ? [] : [`litecnn ${option.long}`])));
  assert.deepEqual(missing, []);
});

/** Method and path of every route a fastify app has, from its printed route tree (each line a segment under the one above it with less indent). */
function routesOf(app: FastifyInstance): { method: string; path: string }[] {
  const parents: { column: number; path: string }[] = [];
  return app.printRoutes({ commonPrefix: false }).split('\n').flatMap((line) => {
    const match = /^([\s│├└─]*)(\S+) \(([A-Z, ]+)\)$/.exec(line);
    if (!match) return [];
    const column = match[1]!.length;
    while (parents.length && parents.at(-1)!.column >= column) parents.pop();
    const path = `${parents.at(-1)?.path ?? ''}/${match[2]!}`.replace(/\/+/g, '/');
    parents.push({ column, path });
    return match[3]!.split(', ').filter((method) => method !== 'HEAD').map((method) => ({ method, path }));
  });
}

/** Routes without a row in the page's tables: a row naming the method, the path up to its first parameter, and its last fixed part. */
function undocumented(routes: { method: string; path: string }[], page: string): string[] {
  const rows = tableRows(page).map((row) => row.join(' '));
  return routes.filter(({ method, path }) => {
    const prefix = path.split(/:|\*/)[0]!;
    const last = path.split('/').filter((part) => part && !part.startsWith(':') && part !== '*').at(-1) ?? '/';
    return !rows.some((row) => row.includes(`${method} ${prefix}`) && row.includes(last));
  }).map(({ method, path }) => `${method} ${path}`);
}

test('docs/http-api.md has a row for every route of the slots\' API and of the control API', async () => {
  const page = await doc('http-api.md');
  const slot = await buildSlotServer({
    slot: 'asis', model: new ServedModel(), metrics: new SlotMetrics('asis', { mirrorsToShadow: true }), logger: pino({ level: 'silent' }),
    maxUploadBytes: 1024 * 1024, maxInputPixels: 1e6, port: () => 0, startedAt: new Date(),
    tls: null, tokenSha256s: [], rateLimit: { perSecond: 0, burst: 1 }, maxConcurrentInferences: 1, maxQueuedRequests: 1, headersTimeoutMs: 5_000, requestTimeoutMs: 5_000,
  });
  const control = buildControlServer(new Proxy({}, { get: () => () => undefined }) as HostController, 'token', pino({ level: 'silent' }), { maxUploadBytes: 1024 * 1024 });
  await Promise.all([slot.ready(), control.ready()]);
  try {
    const slotRoutes = routesOf(slot);
    const controlRoutes = routesOf(control);
    assert.ok(slotRoutes.some((route) => route.path === '/predict') && controlRoutes.some((route) => route.path === '/api/settings'), 'the route lists were read');
    assert.deepEqual([...undocumented(slotRoutes, page), ...undocumented(controlRoutes, page)], []);
  } finally {
    await Promise.all([slot.close(), control.close()]);
  }
});

test('the README stays a door (at most 150 lines) and every page it links to exists', async () => {
  const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
  assert.ok(readme.split('\n').length <= 150, `README.md has ${readme.split('\n').length} lines`);
  const links = [...readme.matchAll(/\]\(((?!https?:|#)[^)#\s]+)/g)].map((match) => match[1]!);
  assert.ok(links.some((link) => link.startsWith('docs/')), 'it links to docs/');
  const missing = (await Promise.all(links.map(async (link) => (await access(join(REPO_ROOT, link)).then(() => null, () => link))))).filter(Boolean);
  assert.deepEqual(missing, []);
});
