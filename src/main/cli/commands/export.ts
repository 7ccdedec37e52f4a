import type { Command } from 'commander';
import { relative, resolve } from 'node:path';
import { SLOT_TITLES, type SlotId } from '../../../shared/slot-api.js';
import { STORAGE_URI_PLACEHOLDER } from '../../export/kserve-manifest.js';
import { exportModelRepository, parseExportFormat, type ExportedRepository } from '../../export/model-repository.js';
import { slotBundleFile } from '../../host/data-dir.js';
import { parseSlotId } from '../../host/slot-targets.js';
import { readBundleFile } from '../../model/bundle-file.js';
import { dataDirOf, printJson, type GlobalOptions } from '../cli-context.js';

interface ExportOptions {
  format: string;
  slot: string;
  force?: boolean;
  json?: boolean;
}

/** `litecnn export`: a slot's model as a Triton model repository or a KServe InferenceService. */
export function registerExport(program: Command, globals: () => GlobalOptions): void {
  program
    .command('export <outDir>')
    .description("write a slot's model as a model repository for Triton Inference Server or KServe (no running host needed)")
    .requiredOption('--format <format>', 'triton (model repository) or kserve (the same plus inferenceservice.yaml)')
    .option('--slot <slot>', 'asis (the promoted model) or tobe', 'asis')
    .option('--force', 'write into an OUT_DIR that is not empty (over the files the export makes)')
    .option('--json', 'print what was written as JSON')
    .action(async (outDir: string, options: ExportOptions) => {
      const format = parseExportFormat(options.format);
      const slot = parseSlotId(options.slot);
      const bundle = await readBundleFile(slotBundleFile(dataDirOf(globals()), slot));
      const exported = await exportModelRepository({ bundle, outDir: resolve(outDir), format, force: options.force ?? false });
      if (options.json) return printJson({ slot, ...exported });
      process.stdout.write(describeExport(slot, exported));
    });
}

function describeExport(slot: SlotId, exported: ExportedRepository): string {
  const [input, output] = [exported.config.input[0]!, exported.config.output[0]!];
  const engine = exported.format === 'kserve' ? 'a KServe InferenceService (Triton runtime)' : 'a Triton model repository';
  const lines = [
    `Exported the ${SLOT_TITLES[slot]} model ${exported.model.name} ${exported.model.version} (sha256 ${exported.model.sha256.slice(0, 12)}) as ${engine} in ${exported.outDir}:`,
    ...exported.files.map((file) => `  ${relative(exported.outDir, file)}`),
    '',
    `Triton model "${exported.modelName}": max_batch_size ${exported.config.max_batch_size}, input "${input.name}" [${input.dims.join(', ')}], output "${output.name}" [${output.dims.join(', ')}].`,
    `Clients preprocess each image as ${relative(exported.outDir, exported.modelDir)}/preprocess.json says (resize, mean/std, layout) and apply softmax when its "output" is "logits".`,
    '',
    'Next steps:',
  ];
  if (exported.format === 'triton') {
    lines.push(
      `  tritonserver --model-repository ${exported.outDir}`,
      `  or: docker run --rm -p 8000:8000 -p 8001:8001 -p 8002:8002 -v ${exported.outDir}:/models nvcr.io/nvidia/tritonserver:<YY.MM>-py3 tritonserver --model-repository /models`,
      `  then: curl localhost:8000/v2/models/${exported.modelName}`,
    );
  } else {
    lines.push(
      `  1. upload ${exported.modelDir}/ to object storage, e.g. ${STORAGE_URI_PLACEHOLDER}/${exported.modelName}/`,
      `  2. in ${exported.inferenceService!.file}, set storageUri to the folder that holds it (${STORAGE_URI_PLACEHOLDER})`,
      `  3. kubectl apply -f ${exported.inferenceService!.file}`,
      `  then: kubectl get inferenceservice ${exported.inferenceService!.name}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
