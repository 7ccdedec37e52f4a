import { OnnxGraphBuilder, attr } from './onnx-graph.js';
import { seededRandom, type SeededRandom } from './seeded-random.js';

/** The shape of a LiteCNN and the seed of its weights. */
export interface LiteCnnConfig {
  /** Square input size in pixels. */
  inputSize: number;
  /** `channels[0]` is the stem's width; `channels[i]` (i >= 1) is the output width of depthwise-separable block i. */
  channels: number[];
  /** `strides[i - 1]` is the depthwise stride of block i, so there is one stride per block. */
  strides: number[];
  /** Units of an optional hidden Gemm + Relu layer before the classifier. */
  headHidden?: number;
  classes: number;
  seed: number;
}

/** The graph input's name, float32 NCHW [batch, 3, H, W]. */
export const LITE_CNN_INPUT = 'input';
/** The graph output's name, float32 logits [batch, classes]. */
export const LITE_CNN_OUTPUT = 'logits';

const BN_EPSILON = 1e-5;

/**
 * Deep random Relu nets map every image to nearly the same features: each Relu leaves a positive
 * mean, and random filters turn it into one fixed direction that then picks the same class for any
 * photo. Zero-mean filters respond only to variation, so outputs follow the image; losing the mean
 * also shrinks activations layer after layer, which this gain (found by measuring the fixture
 * photos) makes up for, keeping the top score visibly above uniform without saturating.
 */
const ZERO_MEAN_GAIN = 1.5;

/**
 * Builds an untrained LiteCNN as ONNX bytes: a 3x3/stride-2 conv stem with BatchNorm and Relu,
 * depthwise-separable blocks (depthwise 3x3 + BN + Relu, pointwise 1x1 + BN + Relu), global average
 * pooling and a linear head (with an optional hidden Gemm + Relu). Input "input" is float32 NCHW
 * [batch, 3, H, W]; output "logits" is [batch, classes]. Weights are He-normal (zero-mean per unit
 * after the stem) drawn from `config.seed`, so the same config always gives the same bytes.
 */
export function buildLiteCnn(config: LiteCnnConfig): Uint8Array {
  const { inputSize, channels, strides, headHidden, classes, seed } = config;
  if (channels.length < 1 || strides.length !== channels.length - 1) {
    throw new Error(`LiteCNN needs a stem width plus one stride per block: got ${channels.length} widths and ${strides.length} strides.`);
  }
  const graph = new OnnxGraphBuilder('litecnn');
  const layers = new LayerFactory(graph, seededRandom(seed));
  graph.addInput(LITE_CNN_INPUT, ['batch', 3, inputSize, inputSize]);

  // Normalised pixels are already zero-mean; a zero-mean stem would only lose colour.
  let x = layers.convBnRelu('stem', LITE_CNN_INPUT, { inChannels: 3, outChannels: channels[0]!, kernel: 3, stride: 2, group: 1, zeroMean: false });
  for (let block = 1; block < channels.length; block++) {
    const inChannels = channels[block - 1]!;
    x = layers.convBnRelu(`block${block}.depthwise`, x, { inChannels, outChannels: inChannels, kernel: 3, stride: strides[block - 1]!, group: inChannels, zeroMean: true });
    x = layers.convBnRelu(`block${block}.pointwise`, x, { inChannels, outChannels: channels[block]!, kernel: 1, stride: 1, group: 1, zeroMean: true });
  }

  graph.addNode('GlobalAveragePool', [x], ['pool']);
  graph.addNode('Flatten', ['pool'], ['features'], { axis: attr.int(1) });
  let features = 'features';
  let width = channels.at(-1)!;
  if (headHidden !== undefined) {
    features = layers.linear('head.hidden', features, width, headHidden);
    graph.addNode('Relu', [features], [`${features}.relu`]);
    features = `${features}.relu`;
    width = headHidden;
  }
  layers.linear('head.classifier', features, width, classes, LITE_CNN_OUTPUT);
  graph.addOutput(LITE_CNN_OUTPUT, ['batch', classes]);
  return graph.toModelBytes();
}

interface ConvSpec { inChannels: number; outChannels: number; kernel: number; stride: number; group: number; zeroMean: boolean }

/** Adds layers and draws their weights from one random stream, in graph order. */
class LayerFactory {
  readonly #graph: OnnxGraphBuilder;
  readonly #random: SeededRandom;

  constructor(graph: OnnxGraphBuilder, random: SeededRandom) {
    this.#graph = graph;
    this.#random = random;
  }

  /** Conv (no bias: BatchNorm's beta plays that role) + BatchNormalization + Relu; returns the output name. */
  convBnRelu(prefix: string, input: string, spec: ConvSpec): string {
    const { inChannels, outChannels, kernel, stride, group, zeroMean } = spec;
    const fanIn = (inChannels / group) * kernel * kernel;
    const values = this.#heNormal(outChannels, fanIn, zeroMean);
    const weight = this.#graph.addInitializer(`${prefix}.conv.weight`, [outChannels, inChannels / group, kernel, kernel], values);
    const pad = (kernel - 1) / 2;
    this.#graph.addNode('Conv', [input, weight], [`${prefix}.conv`], {
      kernel_shape: attr.ints([kernel, kernel]),
      strides: attr.ints([stride, stride]),
      pads: attr.ints([pad, pad, pad, pad]),
      group: attr.int(group),
    });
    const bn = this.#batchNormParameters(`${prefix}.bn`, outChannels);
    this.#graph.addNode('BatchNormalization', [`${prefix}.conv`, ...bn], [`${prefix}.bn`], { epsilon: attr.float(BN_EPSILON) });
    this.#graph.addNode('Relu', [`${prefix}.bn`], [`${prefix}.relu`]);
    return `${prefix}.relu`;
  }

  /** Gemm with zero-mean weights [out, in] (transB, as PyTorch's Linear stores them) and a small bias; returns the output name. */
  linear(prefix: string, input: string, inFeatures: number, outFeatures: number, output = prefix): string {
    const weight = this.#graph.addInitializer(`${prefix}.weight`, [outFeatures, inFeatures], this.#heNormal(outFeatures, inFeatures, true));
    const bias = this.#graph.addInitializer(`${prefix}.bias`, [outFeatures], this.#normal(outFeatures, 0, 0.01));
    this.#graph.addNode('Gemm', [input, weight, bias], [output], { transB: attr.int(1) });
    return output;
  }

  /** Inference-mode BatchNorm statistics that look like a trained layer's: gamma ~ 1, var > 0. */
  #batchNormParameters(prefix: string, channels: number): string[] {
    const gamma = this.#normal(channels, 1, 0.1);
    const beta = this.#normal(channels, 0, 0.05);
    const mean = this.#normal(channels, 0, 0.05);
    const variance = Float32Array.from({ length: channels }, () => 0.8 + 0.4 * this.#random.uniform());
    return [
      this.#graph.addInitializer(`${prefix}.scale`, [channels], gamma),
      this.#graph.addInitializer(`${prefix}.bias`, [channels], beta),
      this.#graph.addInitializer(`${prefix}.mean`, [channels], mean),
      this.#graph.addInitializer(`${prefix}.var`, [channels], variance),
    ];
  }

  /** He-normal weights for `units` outputs of `fanIn` inputs each; optionally each unit's weights shifted to mean 0. */
  #heNormal(units: number, fanIn: number, zeroMean: boolean): Float32Array {
    const weights = this.#normal(units * fanIn, 0, Math.sqrt(2 / fanIn));
    if (!zeroMean) return weights;
    for (let unit = 0; unit < units; unit++) {
      const row = weights.subarray(unit * fanIn, (unit + 1) * fanIn);
      const mean = row.reduce((sum, w) => sum + w, 0) / fanIn;
      row.forEach((w, i) => { row[i] = (w - mean) * ZERO_MEAN_GAIN; });
    }
    return weights;
  }

  #normal(count: number, mean: number, std: number): Float32Array {
    return Float32Array.from({ length: count }, () => mean + std * this.#random.normal());
  }
}
