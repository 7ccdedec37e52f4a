import { stat } from 'node:fs/promises';
import type { ModelLabel } from '../../shared/model-manifest.js';
import { readWholeFile } from '../fs/read-whole-file.js';
import { decodeBundle, sha256Hex } from '../model/bundle-format.js';

/** What an evaluation records of a served bundle: its labels (to recognise class folders) and hashes. */
export interface BundleFacts {
  modelSha256: string;
  bundleSha256: string;
  labels: readonly ModelLabel[];
}

/**
 * Reads and hashes a bundle file once per version of it (its size and modification time), so that
 * asking the promotion gate again, or starting another evaluation, does not read tens of MB again.
 */
export class ServedBundleFacts {
  readonly #known = new Map<string, { version: string; facts: BundleFacts }>();

  async read(file: string): Promise<BundleFacts> {
    const info = await stat(file);
    const version = `${info.size}:${info.mtimeMs}`;
    const known = this.#known.get(file);
    if (known?.version === version) return known.facts;
    const bytes = await readWholeFile(file);
    const { manifest } = decodeBundle(bytes, file);
    const facts = { modelSha256: manifest.onnx.sha256, bundleSha256: sha256Hex(bytes), labels: manifest.labels };
    this.#known.set(file, { version, facts });
    return facts;
  }
}
