import { Counter, Gauge, Histogram, Registry, Summary, collectDefaultMetrics } from 'prom-client';
import type { ModelSummary } from '../../shared/model-manifest.js';
import type { RequestSource, SlotId } from '../../shared/slot-api.js';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/**
 * prom-client's default gauges named like counters, which `promtool check metrics` rejects; the
 * same counts stay in their twins without the suffix, by type (`litecnn_nodejs_active_handles{type}`).
 */
const COUNTER_NAMED_GAUGES = ['litecnn_nodejs_active_handles_total', 'litecnn_nodejs_active_requests_total', 'litecnn_nodejs_active_resources_total'];

/**
 * One slot's Prometheus metrics (every series in docs/metrics.md), plus the request counts and
 * latency percentiles `/info` reports. The shadow-mode series exist only on the slot that mirrors.
 */
export class SlotMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'route' | 'status' | 'source'>;
  readonly #preprocess: Histogram<'source'>;
  readonly #inference: Histogram<'source'>;
  readonly #predictTotal: Histogram<'source'>;
  readonly #predictLatency: Summary;
  readonly #modelInfo: Gauge<'name' | 'version' | 'sha256'>;
  readonly #shadow: Counter<'outcome'>;
  readonly #targetPauses: Counter;
  readonly #targetPausedSeconds: Counter;
  #total = 0;
  #predictions = 0;
  #errors = 0;

  constructor(slot: SlotId, options: { mirrorsToShadow: boolean }) {
    this.registry.setDefaultLabels({ slot });
    collectDefaultMetrics({ register: this.registry, prefix: 'litecnn_' });
    for (const name of COUNTER_NAMED_GAUGES) this.registry.removeSingleMetric(name);
    const shadowRegisters = options.mirrorsToShadow ? [this.registry] : [];
    this.#requests = new Counter({ name: 'litecnn_http_requests_total', help: 'HTTP requests by route, status code and source (client, or the host\'s compare, eval and shadow requests)', labelNames: ['route', 'status', 'source'], registers: [this.registry] });
    this.#preprocess = new Histogram({ name: 'litecnn_preprocess_seconds', help: 'Image decode and preprocessing time per prediction', labelNames: ['source'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
    this.#inference = new Histogram({ name: 'litecnn_inference_seconds', help: 'onnxruntime session run time per prediction', labelNames: ['source'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
    this.#predictTotal = new Histogram({ name: 'litecnn_predict_seconds', help: 'Total /predict handling time', labelNames: ['source'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
    // /info's p50 and p99; Prometheus computes its own from litecnn_predict_seconds.
    this.#predictLatency = new Summary({ name: 'litecnn_predict_latency_seconds', help: 'Recent /predict latency percentiles (last 10 minutes)', percentiles: [0.5, 0.99], maxAgeSeconds: 600, ageBuckets: 5, registers: [] });
    this.#shadow = new Counter({ name: 'litecnn_shadow_requests_total', help: 'Shadow mode: AS-IS requests mirrored to TO-BE, and how their top-1 answers compared (agreed, disagreed, failed) or that they were dropped', labelNames: ['outcome'], registers: shadowRegisters });
    this.#targetPauses = new Counter({ name: 'litecnn_shadow_target_pauses_total', help: 'Shadow mode: times TO-BE was held still (SIGSTOP) while AS-IS served a client and a mirror was in flight', registers: shadowRegisters });
    this.#targetPausedSeconds = new Counter({ name: 'litecnn_shadow_target_paused_seconds_total', help: 'Shadow mode: time TO-BE was held still while AS-IS served a client', registers: shadowRegisters });
    this.#modelInfo = new Gauge({ name: 'litecnn_model_info', help: 'The model this slot serves (value is always 1)', labelNames: ['name', 'version', 'sha256'], registers: [this.registry] });
  }

  /** Counts one finished HTTP request. */
  recordRequest(route: string, status: number, source: RequestSource): void {
    this.#total++;
    if (status >= 400) this.#errors++;
    this.#requests.inc({ route, status: String(status), source });
  }

  /** Records the timings of one successful prediction, in milliseconds (the /info percentiles take every source). */
  recordPrediction(timing: { preprocess: number; inference: number; total: number }, source: RequestSource): void {
    this.#predictions++;
    this.#preprocess.observe({ source }, timing.preprocess / 1000);
    this.#inference.observe({ source }, timing.inference / 1000);
    this.#predictTotal.observe({ source }, timing.total / 1000);
    this.#predictLatency.observe(timing.total / 1000);
  }

  /** Counts one shadow-mode outcome (see ShadowMirror). */
  recordShadow(outcome: string): void {
    this.#shadow.inc({ outcome });
  }

  /** Counts one time TO-BE was held still, once it goes on (see ShadowTargetPause). */
  recordTargetPause(pausedMs: number): void {
    this.#targetPauses.inc();
    this.#targetPausedSeconds.inc(pausedMs / 1000);
  }

  /** Marks which model is being served. */
  setModel(model: ModelSummary): void {
    this.#modelInfo.reset();
    this.#modelInfo.set({ name: model.name, version: model.version, sha256: model.sha256 }, 1);
  }

  counts(): { total: number; predictions: number; errors: number } {
    return { total: this.#total, predictions: this.#predictions, errors: this.#errors };
  }

  /** p50 and p99 of recent predictions in milliseconds, null before the first one. */
  async latencyPercentiles(): Promise<{ p50: number | null; p99: number | null }> {
    if (this.#predictions === 0) return { p50: null, p99: null };
    const { values } = await this.#predictLatency.get();
    const at = (q: number): number | null => {
      const value = values.find((v) => v.labels.quantile === q)?.value;
      return value === undefined || Number.isNaN(value) ? null : Math.round(value * 1e6) / 1e3;
    };
    return { p50: at(0.5), p99: at(0.99) };
  }
}
