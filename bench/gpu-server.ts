import { removeDir } from './temp-dir.js';
import { startTestSshd, type TestSshd } from '../test/helpers/sshd.js';

/** The test suite's real OpenSSH server on 127.0.0.1, standing in for the GPU training server. */
export interface BenchGpuServer {
  sshd: TestSshd;
  /** Kills sshd (and its sessions) and removes its folder, runs included. */
  stop(): Promise<void>;
}

/**
 * Starts the test sshd (test/helpers/sshd.ts) and gives the bench its own stop.
 *
 * That helper, like `publishRun`'s temp folders, hands its cleanup to node:test's `after`. Outside
 * the test runner such a hook runs only once the event loop has drained at the very end of the
 * process (which also prints an empty TAP report), and not at all after `process.exit` or a crash.
 * So the bench stops the server itself as soon as it is done with it. The late hook then calls
 * `kill()` a second time, and a second `kill()` never resolves (the SIGKILLed child has no exit
 * code, so it waits for an 'exit' event that has already happened), which would leave every hook
 * after it unrun, the run folders of `publishRun` among them; hence `kill` becomes a no-op here.
 */
export async function startBenchGpuServer(): Promise<BenchGpuServer> {
  const sshd = await startTestSshd();
  return {
    sshd,
    stop: async () => {
      await sshd.kill();
      sshd.kill = async () => undefined;
      await removeDir(sshd.dir);
    },
  };
}
