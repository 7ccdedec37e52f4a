import { mkdir, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ModelSummary } from '../../shared/model-manifest.js';
import { tritonModelName } from '../model/model-names.js';
import { LiteCnnError, isErrnoError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { storageError } from '../fs/storage-errors.js';
import type { ModelBundle } from '../model/bundle-format.js';
import type { PreprocessSpec } from '../model/preprocess-spec.js';
import { inferenceServiceName, inferenceServiceYaml } from './kserve-manifest.js';
import { readOnnxSignature } from './onnx-signature.js';
import { TRITON_LABELS_FILE, buildTritonConfig, toPbtxt, type TritonModelConfig } from './triton-config.js';

/** The serving engines `litecnn export` writes for. */
export const EXPORT_FORMATS = ['triton', 'kserve'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** An export format as typed on the command line; BAD_REQUEST otherwise. */
export function parseExportFormat(value: string): ExportFormat {
  const format = value.trim().toLowerCase();
  if ((EXPORT_FORMATS as readonly string[]).includes(format)) return format as ExportFormat;
  throw new LiteCnnError('BAD_REQUEST', `Unknown export format "${value}"; use ${EXPORT_FORMATS.join(' or ')}.`, { subject: value, httpStatus: 400 });
}

/** What to export, and where. */
export interface ExportRequest {
  bundle: ModelBundle;
  outDir: string;
  format: ExportFormat;
  /** Write into an OUT_DIR that already has files in it. */
  force?: boolean;
}

/** What an export wrote. */
export interface ExportedRepository {
  format: ExportFormat;
  outDir: string;
  model: ModelSummary;
  /** The Triton model name: the model's folder in outDir and the name in /v2/models/{name}. */
  modelName: string;
  modelDir: string;
  config: TritonModelConfig;
  /** Every file written, in the order written. */
  files: string[];
  /** KServe only: the InferenceService's file and metadata.name. */
  inferenceService?: { file: string; name: string };
}

/**
 * Writes a slot's model as a Triton model repository (KServe: the same, plus an
 * InferenceService for KServe's Triton runtime):
 *
 *     outDir/<model>/config.pbtxt        Triton's model configuration
 *     outDir/<model>/1/model.onnx        the bundle's ONNX bytes, unchanged
 *     outDir/<model>/labels.txt          label ids, one a line, in output order
 *     outDir/<model>/labels.json         the full labels [{ id, en, ko }]
 *     outDir/<model>/preprocess.json     how to make the input tensor (litecnn pack --preprocess reads it too)
 *     outDir/inferenceservice.yaml       (kserve)
 *
 * Each file is written atomically. An outDir with files in it is refused unless `force`.
 */
export async function exportModelRepository(request: ExportRequest): Promise<ExportedRepository> {
  const { bundle: { manifest, onnx }, outDir, format } = request;
  await checkOutDir(outDir, request.force ?? false);
  const modelName = tritonModelName(manifest.name);
  const modelDir = join(outDir, modelName);
  const config = buildTritonConfig(modelName, manifest, await readOnnxSignature(onnx, manifest, manifest.name));
  const preprocess: Required<PreprocessSpec> = {
    width: manifest.input.width,
    height: manifest.input.height,
    inputName: config.input[0]!.name,
    outputName: config.output[0]!.name,
    layout: manifest.input.layout,
    colorOrder: manifest.input.colorOrder,
    mean: manifest.input.mean,
    std: manifest.input.std,
    resize: manifest.input.resize,
    output: manifest.output.kind,
  };
  const contents: [string, Uint8Array | string][] = [
    [join(modelDir, '1', 'model.onnx'), onnx],
    [join(modelDir, TRITON_LABELS_FILE), manifest.labels.map((label) => `${label.id}\n`).join('')],
    [join(modelDir, 'labels.json'), `${JSON.stringify(manifest.labels, null, 2)}\n`],
    [join(modelDir, 'preprocess.json'), `${JSON.stringify(preprocess, null, 2)}\n`],
    // Last of the model's files: a Triton polling the repository sees a complete model folder.
    [join(modelDir, 'config.pbtxt'), toPbtxt(config)],
  ];
  let inferenceService: ExportedRepository['inferenceService'];
  if (format === 'kserve') {
    inferenceService = { file: join(outDir, 'inferenceservice.yaml'), name: inferenceServiceName(modelName) };
    contents.push([inferenceService.file, inferenceServiceYaml(modelName, manifest)]);
  }
  try {
    await makeFolder(join(modelDir, '1'));
    for (const [file, data] of contents) await writeFileAtomic(file, data);
  } catch (error) {
    throw writeError(error, outDir);
  }
  return {
    format,
    outDir,
    model: { name: manifest.name, version: manifest.version, sha256: manifest.onnx.sha256 },
    modelName,
    modelDir,
    config,
    files: contents.map(([file]) => file),
    ...(inferenceService ? { inferenceService } : {}),
  };
}

/** Refuses an outDir that is a file, or that has files in it (unless forced). */
async function checkOutDir(outDir: string, force: boolean): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(outDir);
  } catch (error) {
    if (isErrnoError(error, 'ENOENT')) return;
    throw writeError(error, outDir);
  }
  if (entries.length > 0 && !force) {
    const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', ...' : '');
    throw new LiteCnnError('BAD_REQUEST', `${outDir} is not empty (${shown}). Export into a new or empty folder, or add --force to write over the files the export makes (anything else in it stays).`, { subject: outDir, httpStatus: 409 });
  }
}

/**
 * `mkdir -p`, one level at a time: Node's recursive mkdir reports ENOENT, not EROFS or EACCES,
 * when the nearest existing folder cannot be written, which would hide what the user must fix.
 */
async function makeFolder(dir: string): Promise<void> {
  const made = (error: unknown): void => {
    if (!isErrnoError(error, 'EEXIST')) throw error;
  };
  try {
    await mkdir(dir);
  } catch (error) {
    if (!isErrnoError(error, 'ENOENT') || dirname(dir) === dir) return made(error);
    await makeFolder(dirname(dir));
    await mkdir(dir).catch(made);
  }
}

/** A failed read or write of outDir, as an error that says what to do. */
function writeError(error: unknown, outDir: string): unknown {
  const storage = storageError(error, outDir);
  if (storage) return storage;
  if (isErrnoError(error, 'ENOTDIR') || isErrnoError(error, 'EEXIST')) {
    return new LiteCnnError('FOLDER_NOT_WRITABLE', `${outDir}: a file stands where the export needs a folder (${error.message}). Choose another OUT_DIR, or move that file away.`, { subject: outDir, cause: error });
  }
  return error;
}
