const MIN_CAPACITY = 64 * 1024;

/**
 * Reuses the buffers uploads are read into, and the copies shadow mode keeps of a sampled
 * request. Each fresh buffer adds its size to V8's external memory, and in a busy slot that is
 * what sets off most full garbage collections (about one every ten 1 MB uploads, one every twenty
 * mirrored 640x480 requests), each a pause on the thread that serves requests. Buffers come in
 * power-of-two capacities; at most `maxPooledBytes` are kept while free.
 */
export class ReusableBuffers {
  readonly #free = new Map<number, Buffer[]>();
  readonly #wholeOf = new WeakMap<ArrayBufferView, Buffer>();
  #freeBytes = 0;

  constructor(readonly maxPooledBytes: number) {}

  /** A buffer of exactly `size` bytes, to be given back with `give` once nothing reads it any more. */
  take(size: number): Buffer {
    return this.#lend(size, (whole) => whole.subarray(0, size));
  }

  /** A Float32Array of `length` values over a reused buffer, given back with `give` like the others. */
  takeFloats(length: number): Float32Array {
    return this.#lend(length * Float32Array.BYTES_PER_ELEMENT, (whole) => new Float32Array(whole.buffer, whole.byteOffset, length));
  }

  /** A free buffer of `size`'s capacity (or a new one), lent out as the view `viewOf` makes of it. */
  #lend<View extends ArrayBufferView>(size: number, viewOf: (whole: Buffer) => View): View {
    const capacity = capacityFor(size);
    const reused = this.#free.get(capacity)?.pop();
    if (reused) this.#freeBytes -= capacity;
    const whole = reused ?? Buffer.allocUnsafeSlow(capacity);
    const view = viewOf(whole);
    this.#wholeOf.set(view, whole);
    return view;
  }

  /** Takes back a buffer from `take` or `takeFloats` (anything else is ignored); it must not be used afterwards. */
  give(view: unknown): void {
    if (!ArrayBuffer.isView(view)) return;
    const whole = this.#wholeOf.get(view);
    if (!whole) return;
    this.#wholeOf.delete(view);
    if (this.#freeBytes + whole.length > this.maxPooledBytes) return;
    const list = this.#free.get(whole.length) ?? [];
    list.push(whole);
    this.#free.set(whole.length, list);
    this.#freeBytes += whole.length;
  }

  /** Bytes held by free buffers. */
  get freeBytes(): number {
    return this.#freeBytes;
  }
}

function capacityFor(size: number): number {
  let capacity = MIN_CAPACITY;
  while (capacity < size) capacity *= 2;
  return capacity;
}
