/**
 * Crash tests need the host to die at an exact step of a release. When LITECNN_FAULT_POINT names
 * a step, the process kills itself there with SIGKILL, exactly as a power cut or `kill -9` would.
 * Unset (always, outside those tests), this does nothing.
 */
export function faultPoint(step: string): void {
  if (process.env.LITECNN_FAULT_POINT === step) process.kill(process.pid, 'SIGKILL');
}
