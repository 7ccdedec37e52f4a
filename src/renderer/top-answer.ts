import type { Prediction } from '../shared/slot-api.js';
import { h } from './dom.js';
import { formatPercent } from './format.js';

/** One model's top-1 answer in a table cell: the Korean breed name, then the English one and the score. */
export function topAnswer(prediction: Prediction): HTMLElement {
  return h('span', { class: 'top-answer' }, prediction.breed_ko, ' ', h('span', { class: 'muted' }, `${prediction.breed_en} · ${formatPercent(prediction.score)}`));
}
