import type { Command } from 'commander';
import { open, realpath, stat } from 'node:fs/promises';
import { formatLogLine, logComponent, recentLogLines } from '../../logging/log-reader.js';
import { dataDirOf, type GlobalOptions } from '../cli-context.js';
import { parsePositiveInt } from '../parse-options.js';

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
      const print = (line: string): void => {
        if (line.trim()) process.stdout.write(`${options.json ? line : formatLogLine(line)}\n`);
      };
      const { file, lines } = await recentLogLines(dataDirOf(globals()), logComponent(component), options.lines);
      lines.forEach(print);
      if (options.follow) await follow(file, (await stat(file)).size, print);
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
