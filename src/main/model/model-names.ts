/**
 * The name a model is served under by Triton and KServe (also its folder in a model repository),
 * made from a manifest name: [A-Za-z0-9_-] only. Slots answer to it on the Open Inference
 * Protocol too, so a client moves between a slot and an exported model unchanged.
 */
export function tritonModelName(manifestName: string): string {
  const name = manifestName.trim().replace(/[^A-Za-z0-9_-]/g, '_');
  return /^[A-Za-z0-9_]/.test(name) ? name : `model${name}`;
}
