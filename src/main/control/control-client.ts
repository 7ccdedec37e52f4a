import { request as httpRequest } from 'node:http';
import { createParser } from 'eventsource-parser';
import type { ErrorBody } from '../../shared/errors.js';
import type { HostEvent, HostStatus, SettingsUpdate, SlotAction } from '../../shared/host-api.js';
import type { DeployResult, GateVerdict, GpuCheck, HistoryEntry, WatchStatus } from '../../shared/release-api.js';
import type { SlotId } from '../../shared/slot-api.js';
import type { Settings } from '../../shared/settings.js';
import type { EvalProgress, EvalSummary } from '../../shared/eval-api.js';
import { LiteCnnError, describeError } from '../errors.js';
import { readControlFile, type ControlFile } from './control-file.js';

/**
 * Talks to a running host's control API, found through the data dir's host.json. Uses node:http
 * without timeouts: a deploy of a large model may take minutes, and progress comes as events.
 */
export class ControlClient {
  readonly #control: ControlFile;

  private constructor(control: ControlFile) {
    this.#control = control;
  }

  static async connect(dataDir: string): Promise<ControlClient> {
    return new ControlClient(await readControlFile(dataDir));
  }

  /** The host's own slot token, for slots that require one. */
  get slotToken(): string | undefined {
    return this.#control.slotToken;
  }

  /** A new API token for `slot`; the host restarts the slot with it. */
  rotateSlotToken(slot: SlotId): Promise<{ token: string; status: HostStatus }> {
    return this.#call('POST', `/api/slots/${slot}/token`);
  }

  clearSlotToken(slot: SlotId): Promise<HostStatus> {
    return this.#call('DELETE', `/api/slots/${slot}/token`);
  }

  settings(): Promise<Settings> {
    return this.#call('GET', '/api/settings');
  }

  /** Changes settings in the running host, which saves them; the answer names those that wait for a restart. */
  updateSettings(change: Partial<Settings>): Promise<SettingsUpdate> {
    return this.#call('PUT', '/api/settings', change);
  }

  status(): Promise<HostStatus> {
    return this.#call('GET', '/api/status');
  }

  act(target: string, action: SlotAction): Promise<HostStatus> {
    return this.#call('POST', `/api/slots/${encodeURIComponent(target)}/${action}`, {});
  }

  deploy(options: { runId?: string; dryRun?: boolean }): Promise<DeployResult> {
    return this.#call('POST', '/api/deploy', { ...options, trigger: 'cli' });
  }

  promote(options: { tag?: string; force?: boolean; reason?: string }): Promise<HistoryEntry> {
    return this.#call('POST', '/api/promote', { ...options, trigger: 'cli' });
  }

  /** The promotion gate's verdict now (evaluating the gate set when no stored evaluation fits); null without a gate. */
  async promotionGate(): Promise<GateVerdict | null> {
    return (await this.#call<{ verdict: GateVerdict | null }>('GET', '/api/promote/gate')).verdict;
  }

  rollback(options: { slot: SlotId; to?: string }): Promise<HistoryEntry> {
    return this.#call('POST', '/api/rollback', { ...options, trigger: 'cli' });
  }

  history(): Promise<HistoryEntry[]> {
    return this.#call('GET', '/api/history');
  }

  watch(enabled?: boolean): Promise<WatchStatus> {
    return enabled === undefined ? this.#call('GET', '/api/watch') : this.#call('POST', '/api/watch', { enabled });
  }

  gpuCheck(): Promise<GpuCheck> {
    return this.#call('GET', '/api/gpu');
  }

  gpuHostKey(): Promise<{ target: string; hostKey: string; pinned: string }> {
    return this.#call('GET', '/api/gpu/host-key');
  }

  gpuTrust(fingerprint: string): Promise<{ hostKey: string }> {
    return this.#call('POST', '/api/gpu/trust', { fingerprint });
  }

  /** Starts evaluating the folder `dir` (a path on the host's machine); follow it with `subscribe`. */
  startEval(dir: string): Promise<EvalProgress> {
    return this.#call('POST', '/api/evals', { dir });
  }

  evals(): Promise<EvalSummary[]> {
    return this.#call('GET', '/api/evals');
  }

  evalSummary(id: string): Promise<EvalSummary> {
    return this.#call('GET', `/api/evals/${encodeURIComponent(id)}`);
  }

  cancelEval(id: string): Promise<EvalSummary> {
    return this.#call('POST', `/api/evals/${encodeURIComponent(id)}/cancel`, {});
  }

  /** A stored evaluation's report.html or results.csv, as bytes. */
  async evalFile(id: string, file: 'report.html' | 'results.csv'): Promise<Buffer> {
    const { status, body } = await this.#request('GET', `/api/evals/${encodeURIComponent(id)}/${file}`);
    if (status >= 400) throw answerError(status, body);
    return body;
  }

  /** Calls `onEvent` for each live host event until the returned function is called; `onEnd` when the host ends the stream (it stopped). */
  async subscribe(onEvent: (event: HostEvent) => void, onEnd: () => void = () => undefined): Promise<() => void> {
    const parser = createParser({
      onEvent: (message) => {
        if (message.event) onEvent({ type: message.event, data: JSON.parse(message.data) } as HostEvent);
      },
    });
    return new Promise((resolve, reject) => {
      const req = httpRequest(new URL('/api/events', this.#control.url), { headers: this.#headers() }, (response) => {
        response.setEncoding('utf8');
        let unsubscribed = false;
        response.on('data', (chunk: string) => parser.feed(chunk));
        response.on('error', () => undefined);
        response.on('close', () => {
          if (!unsubscribed) onEnd();
        });
        resolve(() => {
          unsubscribed = true;
          req.destroy();
        });
      });
      req.on('error', (error) => reject(this.#unreachable(error)));
      req.end();
    });
  }

  #headers(): Record<string, string> {
    return { authorization: `Bearer ${this.#control.token}` };
  }

  #unreachable(error: unknown): LiteCnnError {
    return new LiteCnnError('HOST_NOT_RUNNING', `The LiteCNN host at ${this.#control.url} (pid ${this.#control.pid}) does not answer (${describeError(error)}). Start it with \`litecnn serve\`.`, { subject: this.#control.url });
  }

  async #call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const { status, body: answer } = await this.#request(method, path, body === undefined ? undefined : JSON.stringify(body));
    if (status >= 400) throw answerError(status, answer);
    return parseJson(status, answer) as T;
  }

  #request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, payload?: string): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(new URL(path, this.#control.url), {
        method,
        headers: { ...this.#headers(), ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
      }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 500, body: Buffer.concat(chunks) }));
      });
      req.on('error', (error) => reject(this.#unreachable(error)));
      req.end(payload);
    });
  }
}

function parseJson(status: number, body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new LiteCnnError('INTERNAL', `The host answered ${status} with something that is not JSON.`);
  }
}

/** The host's error answer as the error it names. */
function answerError(status: number, body: Buffer): LiteCnnError {
  const { code, message } = (parseJson(status, body) as ErrorBody).error;
  return new LiteCnnError(code, message, { httpStatus: status });
}
