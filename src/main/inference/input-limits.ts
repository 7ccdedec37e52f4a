/** Images with more pixels than this are refused before decoding (decompression bombs). */
export const DEFAULT_MAX_INPUT_PIXELS = 100_000_000;
