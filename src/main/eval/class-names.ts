import type { Prediction } from '../../shared/slot-api.js';

/**
 * A class name in the form names are compared in: Unicode NFC, lower case, `_`, `-` and whitespace
 * runs as one space, trimmed. So `Shiba_Inu`, `shiba-inu` and ` SHIBA  inu ` are one class.
 */
export function normalizeClassName(name: string): string {
  // NFC: macOS file systems may hand back Korean folder names decomposed (NFD), labels are composed.
  return name.normalize('NFC').toLowerCase().replace(/[\s_-]+/gu, ' ').trim();
}

/** Whether a class folder's name names this prediction's label: its id, English or Korean name. */
export function labelMatches(className: string, prediction: Prediction): boolean {
  const wanted = normalizeClassName(className);
  if (wanted === '') return false;
  return [prediction.label, prediction.breed_en, prediction.breed_ko].some((name) => normalizeClassName(name) === wanted);
}

/** Whether the class is among the first `k` predictions (best first): k = 1 is top-1, k = 5 top-5. */
export function classInTop(className: string, predictions: readonly Prediction[], k: number): boolean {
  return predictions.slice(0, k).some((prediction) => labelMatches(className, prediction));
}
