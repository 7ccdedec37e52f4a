import { readFile } from 'node:fs/promises';
import type { LogLine } from '../../shared/host-api.js';
import { LiteCnnError } from '../errors.js';
import { currentLogFile } from './log-files.js';

/** The components that keep a log: each slot and the host. */
export const LOG_COMPONENTS = ['asis', 'tobe', 'host'] as const;
export type LogComponent = (typeof LOG_COMPONENTS)[number];

const LEVELS: Record<number, LogLine['level']> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** A log name from the command line or the API: asis, tobe, host, or the old ports 8891 / 8892. */
export function logComponent(value: string): LogComponent {
  const name = value.toLowerCase().replace('-', '');
  if (name === '8891') return 'asis';
  if (name === '8892') return 'tobe';
  if ((LOG_COMPONENTS as readonly string[]).includes(name)) return name as LogComponent;
  throw new LiteCnnError('UNKNOWN_SLOT', `Unknown log "${value}"; use asis, tobe or host.`, { subject: value, httpStatus: 400 });
}

/** The last `count` raw lines of a component's live log. */
export async function recentLogLines(dataDir: string, component: LogComponent, count: number): Promise<{ file: string; lines: string[] }> {
  const file = currentLogFile(dataDir, component);
  const text = await readFile(file, 'utf8').catch(() => {
    throw new LiteCnnError('NOT_FOUND', `No log yet at ${file}. The ${component} log appears once the host has started it (\`litecnn serve\`).`, { subject: file, httpStatus: 404 });
  });
  return { file, lines: text.split('\n').filter(Boolean).slice(-count) };
}

/** A pino JSON line as time, level, message and the remaining fields; null for other lines. */
export function parseLogLine(line: string): LogLine | null {
  try {
    const { time, level, msg, pid: _pid, hostname: _hostname, component: _component, ...details } = JSON.parse(line) as Record<string, unknown>;
    return { time: new Date(Number(time)).toISOString(), level: LEVELS[Number(level)] ?? 'info', message: String(msg ?? ''), details };
  } catch {
    return null;
  }
}

/** `time LEVEL message {details}`; lines that are not pino JSON pass through. */
export function formatLogLine(line: string): string {
  const parsed = parseLogLine(line);
  if (!parsed) return line;
  const details = Object.keys(parsed.details).length ? ` ${JSON.stringify(parsed.details)}` : '';
  return `${parsed.time} ${parsed.level.toUpperCase().padEnd(5)} ${parsed.message}${details}`;
}
