import { connect } from 'node:net';

/** What came back on a raw TCP connection: the status lines seen, the whole text, and how long it took. */
export interface RawExchange {
  statuses: number[];
  text: string;
  ms: number;
  /** The server closed the connection (rather than the deadline ending it). */
  closedByServer: boolean;
}

/**
 * Writes `parts` to 127.0.0.1:`port` over plain TCP (each after `gapMs`, to play a slow client),
 * then reads until the server closes or `deadlineMs` passes. For requests no HTTP client sends.
 */
export async function rawExchange(port: number, parts: (string | Uint8Array)[], options: { gapMs?: number; deadlineMs?: number } = {}): Promise<RawExchange> {
  const { gapMs = 0, deadlineMs = 3_000 } = options;
  const started = Date.now();
  const socket = connect({ host: '127.0.0.1', port });
  const chunks: Buffer[] = [];
  let closedByServer = false;
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve();
    }, deadlineMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.on('end', () => {
      closedByServer = true;
      socket.end();
    });
  });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  for (const part of parts) {
    if (socket.destroyed) break;
    socket.write(part);
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  await done;
  const text = Buffer.concat(chunks).toString('latin1');
  const statuses = [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
  return { statuses, text, ms: Date.now() - started, closedByServer };
}
