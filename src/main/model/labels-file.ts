import { readFile } from 'node:fs/promises';
import type { ModelLabel } from '../../shared/model-manifest.js';
import { LiteCnnError } from '../errors.js';

/**
 * Reads a labels file. Accepted forms:
 * - JSON: an array of `{ id, en, ko? }` (or of plain names), or `{ "labels": [...] }`;
 * - text: one class per line in output order, optionally `nXXXXXXXX name, synonym, ...` (ImageNet synsets).
 * A label without a Korean name uses its English name for `ko`.
 */
export async function readLabelsFile(file: string): Promise<ModelLabel[]> {
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new LiteCnnError('LABELS_INVALID', `${file}: cannot read the labels file (${error.message}).`, { subject: file });
  });
  return parseLabels(text, file);
}

/** Parses labels text in any accepted form; `subject` names it in errors. */
export function parseLabels(text: string, subject: string): ModelLabel[] {
  const trimmed = text.trim();
  const labels = trimmed.startsWith('[') || trimmed.startsWith('{') ? labelsFromJson(trimmed, subject) : labelsFromLines(trimmed);
  if (labels.length === 0) {
    throw new LiteCnnError('LABELS_INVALID', `${subject}: no labels found. Give one class per line, or a JSON array of { id, en, ko }.`, { subject });
  }
  const ids = new Set<string>();
  for (const label of labels) {
    if (ids.has(label.id)) throw new LiteCnnError('LABELS_INVALID', `${subject}: the label id "${label.id}" appears twice; ids must be unique.`, { subject });
    ids.add(label.id);
  }
  return labels;
}

function labelsFromJson(text: string, subject: string): ModelLabel[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new LiteCnnError('LABELS_INVALID', `${subject}: not valid JSON (${(error as Error).message}).`, { subject });
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { labels?: unknown }).labels;
  if (!Array.isArray(list)) {
    throw new LiteCnnError('LABELS_INVALID', `${subject}: expected a JSON array of labels or { "labels": [...] }.`, { subject });
  }
  return list.map((entry: unknown, index) => {
    if (typeof entry === 'string' && entry.trim()) return { id: slug(entry, index), en: entry.trim(), ko: entry.trim() };
    const { id, en, ko } = (entry ?? {}) as Record<string, unknown>;
    if (typeof en !== 'string' || !en.trim()) {
      throw new LiteCnnError('LABELS_INVALID', `${subject}: label #${index} has no English name ("en").`, { subject });
    }
    const koName = typeof ko === 'string' && ko.trim() ? ko.trim() : en.trim();
    return { id: typeof id === 'string' || typeof id === 'number' ? String(id) : slug(en, index), en: en.trim(), ko: koName };
  });
}

function labelsFromLines(text: string): ModelLabel[] {
  return text.split(/\r?\n/).filter((line) => line.trim()).map((line, index) => {
    const synset = /^(n\d{8})\s+(.*)$/.exec(line.trim());
    const names = (synset ? synset[2]! : line.trim()).split(',').map((n) => n.trim()).filter(Boolean);
    const en = names[0] ?? line.trim();
    return { id: synset ? synset[1]! : slug(en, index), en, ko: en };
  });
}

function slug(name: string, index: number): string {
  const base = name.toLowerCase().normalize('NFKD').replace(/[^\p{L}\p{N}]+/gu, '_').replace(/^_|_$/g, '');
  return base || `class_${index}`;
}
