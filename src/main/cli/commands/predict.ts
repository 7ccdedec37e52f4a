import type { Command } from 'commander';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { CompareResult } from '../../../shared/host-api.js';
import { compareOnSlots } from '../../host/compare-slots.js';
import { slotEndpoint } from '../../host/slot-endpoints.js';
import type { SlotEndpoint } from '../../http/slot-endpoint.js';
import { SLOT_IDS, SLOT_TITLES, type SlotId } from '../../../shared/slot-api.js';
import { ControlClient } from '../../control/control-client.js';
import { LiteCnnError } from '../../errors.js';
import { dataDirOf, printJson, type GlobalOptions } from '../cli-context.js';
import { formatTable, formatTopPrediction } from '../format.js';
import { parsePositiveInt } from '../parse-options.js';
import { parseSlotId } from '../../host/slot-targets.js';
import { predictFile } from '../slot-client.js';
import { IMAGE_EXTENSIONS } from '../../fs/image-files.js';

/** One image through both slots. */
type ComparedImage = CompareResult & { image: string };

/** `litecnn predict` and `litecnn compare`: send images to the running slots. */
export function registerPredict(program: Command, globals: () => GlobalOptions): void {
  program
    .command('predict <image>')
    .description('classify one image on a slot (default: both)')
    .option('--slot <slot>', 'asis, tobe or both', 'both')
    .option('--top <n>', 'how many classes to show', parsePositiveInt, 5)
    .option('--json', 'print the raw answers as JSON')
    .action(async (image: string, options: { slot: string; top: number; json?: boolean }) => {
      const slots = options.slot === 'both' ? [...SLOT_IDS] : [parseSlotId(options.slot)];
      const endpoints = await slotEndpoints(await ControlClient.connect(dataDirOf(globals())));
      const answers = await Promise.all(slots.map(async (slot) => ({ slot, answer: await predictFile(requireEndpoint(endpoints, slot), image, options.top) })));
      if (options.json) return printJson(Object.fromEntries(answers.map(({ slot, answer }) => [slot, answer])));
      for (const { slot, answer } of answers) {
        process.stdout.write(`${SLOT_TITLES[slot]}  ${answer.model.name} ${answer.model.version}  (${answer.timing_ms.total.toFixed(1)} ms)\n`);
        process.stdout.write(`${formatTable(answer.predictions.map((p, i) => [`  ${i + 1}.`, p.breed_ko, p.breed_en, `${(p.score * 100).toFixed(2)}%`]))}\n`);
      }
    });

  program
    .command('compare <paths...>')
    .description('run images (files or folders) through AS-IS and TO-BE side by side, with their agreement')
    .option('--json', 'print the results as JSON')
    .action(async (paths: string[], options: { json?: boolean }) => {
      const images = await collectImages(paths);
      const client = await ControlClient.connect(dataDirOf(globals()));
      const endpoints = await slotEndpoints(client);
      const { maxInputPixels } = await client.settings();
      const results: ComparedImage[] = [];
      for (const image of images) results.push(await compareImage(image, requireEndpoint(endpoints, 'asis'), requireEndpoint(endpoints, 'tobe'), maxInputPixels));
      const decided = results.filter((r) => r.agree !== null);
      const agreed = decided.filter((r) => r.agree).length;
      const agreement = { images: results.length, compared: decided.length, agreed, rate: decided.length ? agreed / decided.length : null };
      if (options.json) return printJson({ results, agreement });
      const rows = [['IMAGE', 'AS-IS', 'TO-BE', '']];
      for (const r of results) rows.push([basename(r.image), cell(r.asis), cell(r.tobe), r.agree === null ? 'error' : r.agree ? 'agree' : 'DIFFER']);
      process.stdout.write(`${formatTable(rows)}\n\nagreement: ${agreed}/${decided.length}${agreement.rate === null ? '' : ` (${(agreement.rate * 100).toFixed(1)}%)`}\n`);
      if (decided.length < results.length) process.exitCode = 1;
    });
}

/** One image through both slots, on the same path the dashboard's compare uses. */
async function compareImage(image: string, asis: SlotEndpoint, tobe: SlotEndpoint, maxInputPixels: number): Promise<ComparedImage> {
  const bytes = await readFile(image).catch((error: Error) => {
    throw new LiteCnnError('NOT_AN_IMAGE', `Cannot read ${image}: ${error.message}`, { subject: image });
  });
  return { image, ...(await compareOnSlots(bytes, { asis, tobe }, { maxInputPixels })) };
}

function cell(answer: CompareResult['asis']): string {
  return 'predictions' in answer ? formatTopPrediction(answer.predictions[0]) : `error: ${answer.error.message}`;
}

/** Image files named directly, and those inside named folders (not recursive), in name order. */
async function collectImages(paths: string[]): Promise<string[]> {
  const images: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => {
      throw new LiteCnnError('NOT_AN_IMAGE', `${path}: no such file or folder.`, { subject: path });
    });
    if (!info.isDirectory()) {
      images.push(path);
      continue;
    }
    const names = (await readdir(path)).filter((name) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase())).sort();
    images.push(...names.map((name) => join(path, name)));
  }
  if (images.length === 0) throw new LiteCnnError('NOT_AN_IMAGE', `No images found in ${paths.join(', ')} (looked for ${[...IMAGE_EXTENSIONS].join(' ')}).`);
  return images;
}

/** The serving slots, reached with the host's own token and pinned certificates. */
async function slotEndpoints(client: ControlClient): Promise<Partial<Record<SlotId, SlotEndpoint>>> {
  const status = await client.status();
  return Object.fromEntries(status.slots.flatMap((slot) => {
    const endpoint = slotEndpoint(slot, client.slotToken);
    return endpoint ? [[slot.slot, endpoint]] : [];
  }));
}

function requireEndpoint(endpoints: Partial<Record<SlotId, SlotEndpoint>>, slot: SlotId): SlotEndpoint {
  const url = endpoints[slot];
  if (!url) throw new LiteCnnError('NOT_READY', `The ${SLOT_TITLES[slot]} slot is not serving. Start it with \`litecnn start ${slot}\` and check \`litecnn status\`.`);
  return url;
}
