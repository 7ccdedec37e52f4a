import type { EvalSummary } from '../../shared/eval-api.js';
import { formatGateFigure, formatPercent } from '../../shared/format.js';
import type { GateCheck, GateVerdict } from '../../shared/release-api.js';
import type { SlotId } from '../../shared/slot-api.js';
import type { Settings } from '../settings/settings-schema.js';
import { LiteCnnError } from '../errors.js';
import { checkEvalSet, type EvalSlot } from './evaluation.js';
import type { Evaluations } from './evaluations.js';

type GateLimits = Pick<Settings, 'promotionGateMaxDrop' | 'promotionGateMaxLatencyFactor'>;

/**
 * The promotion gate's verdict on an evaluation of AS-IS and TO-BE: TO-BE's top-1 accuracy may be
 * at most `promotionGateMaxDrop` below AS-IS's (on an unlabelled set: the two must agree on at
 * least 1 - that share), its p99 latency at most `promotionGateMaxLatencyFactor` times AS-IS's,
 * and it may not fail on more images than AS-IS.
 */
export function judgePromotion(summary: EvalSummary, limits: GateLimits): GateVerdict {
  const { asis, tobe } = summary;
  const checks: GateCheck[] = [];
  if (summary.labelled > 0 && asis.top1Accuracy !== null && tobe.top1Accuracy !== null) {
    const floor = asis.top1Accuracy - limits.promotionGateMaxDrop;
    checks.push({ name: 'accuracy', passed: tobe.top1Accuracy >= floor - 1e-12, asis: asis.top1Accuracy, tobe: tobe.top1Accuracy, limit: `top-1 accuracy at least ${formatPercent(Math.max(0, floor))} (AS-IS's ${formatPercent(asis.top1Accuracy)} less ${formatPercent(limits.promotionGateMaxDrop)})` });
  } else {
    const floor = 1 - limits.promotionGateMaxDrop;
    const rate = summary.agreement.rate;
    checks.push({ name: 'agreement', passed: rate !== null && rate >= floor - 1e-12, asis: null, tobe: rate, limit: `agreement with AS-IS at least ${formatPercent(floor)} (the set has no labels)` });
  }
  const [asisP99, tobeP99] = [asis.latency.p99Ms, tobe.latency.p99Ms];
  checks.push({
    name: 'latency',
    passed: asisP99 !== null && tobeP99 !== null && tobeP99 <= asisP99 * limits.promotionGateMaxLatencyFactor,
    asis: asisP99,
    tobe: tobeP99,
    limit: asisP99 === null ? 'p99 latency (AS-IS answered nothing)' : `p99 latency at most ${(asisP99 * limits.promotionGateMaxLatencyFactor).toFixed(1)} ms (${limits.promotionGateMaxLatencyFactor}x AS-IS's)`,
  });
  checks.push({ name: 'failures', passed: tobe.failed <= asis.failed, asis: asis.failed, tobe: tobe.failed, limit: `no more failed images than AS-IS (${asis.failed})` });
  return {
    setDir: summary.setDir,
    evaluationId: summary.id,
    evaluatedAt: summary.finishedAt ?? summary.startedAt,
    passed: checks.every((check) => check.passed),
    checks,
    asis: asis.model,
    tobe: tobe.model,
  };
}

/** The failing checks of a verdict, in one sentence. */
export function describeFailedChecks(verdict: GateVerdict): string {
  return verdict.checks.filter((check) => !check.passed).map((check) => {
    return `${check.name}: TO-BE ${formatGateFigure(check, check.tobe)}${check.asis !== null ? ` vs AS-IS ${formatGateFigure(check, check.asis)}` : ''}, needs ${check.limit}`;
  }).join('; ');
}

/**
 * The evaluation the gate judges: the newest finished one of the gate's set as it is now (same
 * files) with exactly the two bundles the slots serve now (model, preprocessing and labels), or
 * (when there is none) a new one, run now.
 */
export async function gateEvaluation(evaluations: Evaluations, setDir: string, slots: Record<SlotId, EvalSlot>): Promise<EvalSummary> {
  const set = await checkEvalSet(setDir);
  const { setDir: wanted, fingerprint } = set;
  const sameBundle = (stats: EvalSummary['asis'], slot: EvalSlot): boolean => stats.model.sha256 === slot.model.sha256 && (stats.bundleSha256 ?? null) === (slot.bundleSha256 ?? null);
  const stored = (await evaluations.list()).find((summary) => summary.state === 'done' && summary.setDir === wanted && summary.setFingerprint === fingerprint
    && sameBundle(summary.asis, slots.asis) && sameBundle(summary.tobe, slots.tobe));
  const summary = stored ?? (await evaluations.run(set, slots));
  if (summary.state !== 'done') {
    throw new LiteCnnError('PROMOTION_GATE_FAILED', `The gate's evaluation of ${wanted} did not finish (${summary.state}: ${summary.error ?? 'no reason given'}); fix that or run \`litecnn eval ${wanted}\`.`, { httpStatus: 409 });
  }
  return summary;
}

/**
 * The deploy gate's verdict on an evaluation of AS-IS and a deploy candidate (as TO-BE): throws
 * DEPLOY_GATE_FAILED unless the evaluation finished and the candidate's top-1 accuracy (on an
 * unlabelled set: its agreement with AS-IS) reaches `minimum`.
 */
export function checkDeployMinimum(summary: EvalSummary, minimum: number): void {
  if (summary.state !== 'done') throw new LiteCnnError('DEPLOY_GATE_FAILED', `The candidate's evaluation on ${summary.setDir} did not finish (${summary.error ?? summary.state}).`, { httpStatus: 409 });
  const labelled = summary.labelled > 0;
  const score = labelled ? summary.tobe.top1Accuracy : summary.agreement.rate;
  if (score !== null && score >= minimum) return;
  const what = labelled ? 'top-1 accuracy' : 'agreement with AS-IS';
  throw new LiteCnnError('DEPLOY_GATE_FAILED', `The candidate's ${what} on ${summary.setDir} is ${score === null ? 'unknown' : formatPercent(score)}, below deployGateMinimum ${formatPercent(minimum)} (evaluation ${summary.id}); TO-BE keeps its model.`, { httpStatus: 409 });
}
