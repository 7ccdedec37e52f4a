import type { Command } from 'commander';
import { open, readFile, realpath, stat } from 'node:fs/promises';
import { LiteCnnError } from '../../errors.js';
import { currentLogFile } from '../../logging/log-files.js';
import { dataDirOf, type GlobalOptions } from '../cli-context.js';
import { parsePositiveInt } from '../parse-options.js';

const COMPONENTS = ['asis', 'tobe', 'host'] as const;
const FOLLOW_POLL_MS = 250;

/** `litecnn logs <slot> [-f]`: the slot's own log file, pretty-printed, optionally followed across rotations. */
export function registerLogs(program: Command, globals: () => GlobalOptions): void {
  program
    .command('logs <component>')
    .description('show a log: asis, tobe (or 8891, 8892) or host')
    .option('-n, --lines <n>', 'how many recent lines', parsePositiveInt, 50)
    .option('-f, --follow', 'keep printing new lines')
    .option('--json', 'print the raw JSON lines')
    .action(async (component: string, options: { lines: number; follow?: boolean; json?: boolean }) => {
      const name = componentName(component);
      const file = currentLogFile(dataDirOf(globals()), name);
      const print = (line: string): void => {
        if (line.trim()) process.stdout.write(`${options.json ? line : prettyLine(line)}\n`);
      };
      const text = await readFile(file, 'utf8').catch(() => {
        throw new LiteCnnError('NOT_FOUND', `No log yet at ${file}. The ${name} log appears once the host has started it (\`litecnn serve\`).`, { subject: file });
      });
      text.split('\n').filter(Boolean).slice(-options.lines).forEach(print);
      if (options.follow) await follow(file, Buffer.byteLength(text), print);
    });
}

/** Polls the live log, printing what is appended and starting over at the next file after a rotation. */
async function follow(link: string, startAt: number, print: (line: string) => void): Promise<never> {
  let target = await realpath(link);
  let offset = startAt;
  let partial = '';
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
    const now = await realpath(link).catch(() => target);
    if (now !== target) {
      target = now;
      offset = 0;
    }
    const size = (await stat(target).catch(() => ({ size: offset }))).size;
    if (size <= offset) continue;
    const handle = await open(target, 'r');
    const chunk = Buffer.alloc(size - offset);
    await handle.read(chunk, 0, chunk.length, offset);
    await handle.close();
    offset = size;
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    lines.forEach(print);
  }
}

function componentName(value: string): (typeof COMPONENTS)[number] {
  const name = value.toLowerCase().replace('-', '');
  if (name === '8891') return 'asis';
  if (name === '8892') return 'tobe';
  if ((COMPONENTS as readonly string[]).includes(name)) return name as (typeof COMPONENTS)[number];
  throw new LiteCnnError('UNKNOWN_SLOT', `Unknown log "${value}"; use asis, tobe or host.`);
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** `time LEVEL message {details}` from a pino JSON line; other lines pass through. */
function prettyLine(line: string): string {
  try {
    const { time, level, msg, pid: _pid, hostname: _hostname, component: _component, ...rest } = JSON.parse(line) as Record<string, unknown>;
    const details = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
    return `${new Date(Number(time)).toISOString()} ${(LEVELS[Number(level)] ?? String(level)).padEnd(5)} ${String(msg ?? '')}${details}`;
  } catch {
    return line;
  }
}
