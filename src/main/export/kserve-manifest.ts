import type { ModelManifest } from '../../shared/model-manifest.js';

/** What the user replaces with the object-storage folder that holds the model repository. */
export const STORAGE_URI_PLACEHOLDER = 's3://YOUR-BUCKET/PATH';

/** A YAML scalar with a comment after it on the same line. */
export class YamlCommented {
  constructor(readonly value: string | number, readonly comment: string) {}
}

/** A YAML mapping: key to scalar, commented scalar or nested mapping. */
export type YamlMapping = { readonly [key: string]: string | number | YamlCommented | YamlMapping };

/**
 * A Kubernetes object name KServe accepts for an InferenceService (a DNS-1123 label that starts
 * with a letter: `[a-z]([-a-z0-9]*[a-z0-9])?`, at most 63 characters), made from a model name.
 */
export function inferenceServiceName(modelName: string): string {
  let name = modelName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(name)) name = name ? `model-${name}` : 'model';
  return name.slice(0, 63).replace(/-+$/, '');
}

/**
 * The KServe InferenceService that serves the exported repository on KServe's Triton runtime
 * (ONNX needs protocol v2 there). `storageUri` is a placeholder: the folder in object storage
 * that holds `<tritonModelName>/`, which KServe downloads to the folder Triton serves.
 */
export function buildInferenceService(tritonModelName: string): YamlMapping {
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name: inferenceServiceName(tritonModelName) },
    spec: {
      predictor: {
        model: {
          modelFormat: { name: 'onnx' },
          protocolVersion: 'v2',
          runtime: 'kserve-tritonserver',
          storageUri: new YamlCommented(STORAGE_URI_PLACEHOLDER, `REPLACE: the folder that holds ${tritonModelName}/ (not ${tritonModelName}/ itself)`),
        },
      },
    },
  };
}

/** `inferenceservice.yaml`: a comment header saying what to do, then the object. */
export function inferenceServiceYaml(tritonModelName: string, manifest: ModelManifest): string {
  const header = [
    `KServe InferenceService for LiteCNN model ${manifest.name} ${manifest.version} (sha256 ${manifest.onnx.sha256}), made by \`litecnn export\`.`,
    `Before \`kubectl apply -f inferenceservice.yaml\`: upload the folder ${tritonModelName}/ to object storage`,
    `(e.g. ${STORAGE_URI_PLACEHOLDER}/${tritonModelName}/) and set storageUri below to the folder that holds it.`,
    `Clients call POST /v2/models/${tritonModelName}/infer and preprocess images as ${tritonModelName}/preprocess.json says.`,
  ];
  return [...header.map((line) => `# ${line.replace(/\s+/g, ' ')}`), ...mappingLines(buildInferenceService(tritonModelName), '')].join('\n') + '\n';
}

function mappingLines(mapping: YamlMapping, indent: string): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(mapping)) {
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(key)) throw new Error(`Not a plain YAML key: ${key}`);
    if (value instanceof YamlCommented) lines.push(`${indent}${key}: ${scalar(value.value)}  # ${value.comment.replace(/\s+/g, ' ')}`);
    else if (typeof value === 'object') lines.push(`${indent}${key}:`, ...mappingLines(value, `${indent}  `));
    else lines.push(`${indent}${key}: ${scalar(value)}`);
  }
  return lines;
}

/** A JSON string literal is a valid YAML double-quoted scalar, so every string is written that way. */
function scalar(value: string | number): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}
