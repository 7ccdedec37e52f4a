import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The bare reference server (bare-http-server.ts) in its own process, as a slot is. */
export interface BareHttpServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL('./bare-http-server.js', import.meta.url));

export async function startBareHttpServer(bundleFile: string): Promise<BareHttpServer> {
  const child = fork(ENTRY, [bundleFile], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`the bare HTTP server exited (code ${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      await exited;
    },
  };
}
