import type { ErrorBody } from '../shared/errors.js';
import type { EvalProgress, EvalSummary } from '../shared/eval-api.js';
import type { CompareResult, HostEvent, HostStatus, LogLine, PathChoice, SettingsUpdate, SlotAction } from '../shared/host-api.js';
import type { DeployResult, GateVerdict, GpuCheck, GpuPassphraseStatus, HistoryEntry, WatchStatus } from '../shared/release-api.js';
import type { Settings } from '../shared/settings.js';
import type { SlotId } from '../shared/slot-api.js';

/** An API failure with the host's error code and its human message. */
export class ApiError extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
  }

  /** The error a failed response carries (`{ error: { code, message } }`), or its HTTP status. */
  static async from(response: Response): Promise<ApiError> {
    const error = ((await response.json().catch(() => null)) as ErrorBody | null)?.error;
    return new ApiError(error?.code ?? 'INTERNAL', error?.message ?? `HTTP ${response.status}`, response.status);
  }
}

/** What the dashboard shows for a failure: the host's message and its code. */
export function errorText(error: Error): string {
  return error instanceof ApiError ? `${error.message} [${error.code}]` : error.message;
}

/**
 * The dashboard's only way to the host: its control API, with the per-launch token that came in
 * the URL fragment (`#token=...`, never sent to any server) and is kept for this tab only.
 */
export class ControlApi {
  readonly #token: string;

  constructor(token: string) {
    this.#token = token;
  }

  /** Reads the token from the URL fragment (then removes it from the address bar) or this tab's storage. */
  static fromLocation(): ControlApi | null {
    const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
    if (fromHash) {
      sessionStorage.setItem('litecnn-token', fromHash);
      history.replaceState(null, '', location.pathname + location.hash.replace(/token=[^&]*&?/, '').replace(/^#$/, ''));
    }
    const token = fromHash ?? sessionStorage.getItem('litecnn-token');
    return token ? new ControlApi(token) : null;
  }

  status(): Promise<HostStatus> { return this.#call('GET', '/api/status'); }
  act(target: SlotId | 'all', action: SlotAction): Promise<HostStatus> { return this.#call('POST', `/api/slots/${target}/${action}`, {}); }
  deploy(): Promise<DeployResult> { return this.#call('POST', '/api/deploy', { trigger: 'app' }); }
  /** Promotes TO-BE; `force` (with a reason, kept in the history) goes past a failing promotion gate. */
  promote(override?: { force: true; reason: string }): Promise<HistoryEntry> { return this.#call('POST', '/api/promote', { trigger: 'app', ...override }); }
  /** The promotion gate's verdict on the two models served now (null: no gate set); may run an evaluation first. */
  async promotionGate(): Promise<GateVerdict | null> { return (await this.#call<{ verdict: GateVerdict | null }>('GET', '/api/promote/gate')).verdict; }
  rollback(slot: SlotId): Promise<HistoryEntry> { return this.#call('POST', '/api/rollback', { slot, trigger: 'app' }); }
  history(): Promise<HistoryEntry[]> { return this.#call('GET', '/api/history'); }
  watch(enabled?: boolean): Promise<WatchStatus> { return enabled === undefined ? this.#call('GET', '/api/watch') : this.#call('POST', '/api/watch', { enabled }); }
  gpu(): Promise<GpuCheck> { return this.#call('GET', '/api/gpu'); }
  rotateSlotToken(slot: SlotId): Promise<{ token: string; status: HostStatus }> { return this.#call('POST', `/api/slots/${slot}/token`, {}); }
  clearSlotToken(slot: SlotId): Promise<HostStatus> { return this.#call('DELETE', `/api/slots/${slot}/token`); }
  /** The app's open dialog (only where `status.host.pathDialog`): the chosen path, null when cancelled. */
  async choosePath(choice: PathChoice): Promise<string | null> { return (await this.#call<{ path: string | null }>('POST', '/api/choose-path', { choice })).path; }
  gpuPassphrase(): Promise<GpuPassphraseStatus> { return this.#call('GET', '/api/gpu/passphrase'); }
  setGpuPassphrase(passphrase: string): Promise<GpuPassphraseStatus> { return this.#call('PUT', '/api/gpu/passphrase', { passphrase }); }
  logs(component: SlotId | 'host', lines = 50): Promise<LogLine[]> { return this.#call('GET', `/api/logs/${component}?lines=${lines}`); }
  settings(): Promise<Settings> { return this.#call('GET', '/api/settings'); }
  updateSettings(change: Partial<Settings>): Promise<SettingsUpdate> { return this.#call('PUT', '/api/settings', change); }

  evals(): Promise<EvalSummary[]> { return this.#call('GET', '/api/evals'); }
  evalSummary(id: string): Promise<EvalSummary> { return this.#call('GET', `/api/evals/${encodeURIComponent(id)}`); }
  /** Starts evaluating `dir`, a folder on the host's machine (the host reads it, not this page). */
  startEval(dir: string): Promise<EvalProgress> { return this.#call('POST', '/api/evals', { dir }); }
  cancelEval(id: string): Promise<EvalSummary> { return this.#call('POST', `/api/evals/${encodeURIComponent(id)}/cancel`, {}); }

  /**
   * One of a stored evaluation's files (`report.html`, `results.csv`, `thumbnails/<n>.jpg`) as a
   * Blob: the files need the token too, so a plain `<img src>` or link cannot load them.
   */
  evalFile(id: string, file: string): Promise<Blob> {
    return this.#blob(`/api/evals/${encodeURIComponent(id)}/${file.split('/').map(encodeURIComponent).join('/')}`);
  }

  /** An image shadow mode kept (a sample's `imageFile`), as a Blob for the same reason. */
  shadowImage(imageFile: string): Promise<Blob> {
    return this.#blob(`/api/shadow/images/${encodeURIComponent(imageFile)}`);
  }

  /** One image through both slots. */
  async compare(image: Blob): Promise<CompareResult> {
    return this.#call('POST', '/api/compare', image, image.type.startsWith('image/') ? image.type : 'application/octet-stream');
  }

  /** Calls `onEvent` for every live host event; reconnects after a dropped connection. */
  listen(onEvent: (event: HostEvent) => void, onConnection: (connected: boolean) => void): void {
    const connect = async (): Promise<void> => {
      try {
        const response = await fetch('/api/events', { headers: this.#headers() });
        if (!response.ok || !response.body) throw new Error(String(response.status));
        onConnection(true);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          const messages = buffer.split('\n\n');
          buffer = messages.pop() ?? '';
          for (const message of messages) {
            const type = /^event: (.+)$/m.exec(message)?.[1];
            const data = /^data: (.*)$/m.exec(message)?.[1];
            if (type && data !== undefined) onEvent({ type, data: JSON.parse(data) } as HostEvent);
          }
        }
      } catch {
        // reconnect below
      }
      onConnection(false);
      setTimeout(() => void connect(), 2000);
    };
    void connect();
  }

  async #blob(path: string): Promise<Blob> {
    const response = await fetch(path, { headers: this.#headers() });
    if (!response.ok) throw await ApiError.from(response);
    return response.blob();
  }

  #headers(): Record<string, string> {
    return { authorization: `Bearer ${this.#token}` };
  }

  async #call<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const init: RequestInit = { method, headers: this.#headers() };
    if (body !== undefined) {
      init.body = body instanceof Blob ? body : JSON.stringify(body);
      init.headers = { ...this.#headers(), 'content-type': contentType };
    }
    const response = await fetch(path, init);
    if (!response.ok) throw await ApiError.from(response);
    return (await response.json().catch(() => null)) as T;
  }
}
