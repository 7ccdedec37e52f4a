import { SLOT_TITLES, type SlotId } from '../../shared/slot-api.js';
import { LiteCnnError } from '../errors.js';
import type { Classifier } from '../inference/classify.js';

/** What a slot answers (503) while it has no model loaded. */
export function modelNotLoaded(slot: SlotId): LiteCnnError {
  return new LiteCnnError('NOT_READY', `The ${SLOT_TITLES[slot]} model is not loaded yet; retry in a moment, or check \`litecnn status\`.`, { httpStatus: 503 });
}

/**
 * The model a slot is serving right now. Requests take a lease on the current session; a swap
 * makes new requests use the new session at once, and frees the old one only when its last
 * lease is returned, so no in-flight request loses its session.
 */
export class ServedModel {
  #current: Classifier | null = null;
  readonly #leases = new Map<Classifier, number>();
  readonly #retired = new Set<Classifier>();

  get current(): Classifier | null {
    return this.#current;
  }

  /** Runs `work` with the current session, which stays alive until `work` settles; null when none is loaded. */
  async withSession<T>(work: (session: Classifier) => Promise<T>): Promise<T | null> {
    const session = this.#current;
    if (!session) return null;
    this.#leases.set(session, (this.#leases.get(session) ?? 0) + 1);
    try {
      return await work(session);
    } finally {
      const left = this.#leases.get(session)! - 1;
      if (left > 0) this.#leases.set(session, left);
      else {
        this.#leases.delete(session);
        // Not awaited: the thread's teardown would otherwise delay this request's answer.
        if (this.#retired.delete(session)) void session.release().catch(() => undefined);
      }
    }
  }

  /** Resolves once no request holds a session (or after `timeoutMs`): safe to exit then. */
  async idle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.#leases.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** Makes `next` the served session; the previous one is released once idle. */
  async swap(next: Classifier | null): Promise<void> {
    const previous = this.#current;
    this.#current = next;
    if (!previous || previous === next) return;
    if (this.#leases.has(previous)) this.#retired.add(previous);
    else await previous.release();
  }
}
