/**
 * Threads onnxruntime uses for one run. One by default: the small CNNs served here run fastest on
 * one thread (a pool's hand-offs cost more than they save), and two slots plus image decoding then
 * never fight over a laptop's cores. Larger models on many cores may gain from more (setting
 * inferenceThreads).
 */
export const DEFAULT_ONNX_THREADS = 1;
