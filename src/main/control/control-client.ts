import type { ErrorBody } from '../../shared/errors.js';
import type { HostStatus, SlotAction } from '../../shared/host-api.js';
import { LiteCnnError, describeError } from '../errors.js';
import { readControlFile, type ControlFile } from './control-file.js';

/** Talks to a running host's control API, found through the data dir's host.json. */
export class ControlClient {
  readonly #control: ControlFile;

  private constructor(control: ControlFile) {
    this.#control = control;
  }

  static async connect(dataDir: string): Promise<ControlClient> {
    return new ControlClient(await readControlFile(dataDir));
  }

  status(): Promise<HostStatus> {
    return this.#call('GET', '/api/status');
  }

  act(target: string, action: SlotAction): Promise<HostStatus> {
    return this.#call('POST', `/api/slots/${encodeURIComponent(target)}/${action}`);
  }

  async #call<T>(method: string, path: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.#control.url), { method, headers: { authorization: `Bearer ${this.#control.token}` } });
    } catch (error) {
      throw new LiteCnnError('HOST_NOT_RUNNING', `The LiteCNN host at ${this.#control.url} (pid ${this.#control.pid}) does not answer (${describeError((error as Error).cause ?? error)}). Start it with \`litecnn serve\`.`, { subject: this.#control.url });
    }
    const body = (await response.json()) as T | ErrorBody;
    if (!response.ok) {
      const { code, message } = (body as ErrorBody).error;
      throw new LiteCnnError(code, message, { httpStatus: response.status });
    }
    return body as T;
  }
}
