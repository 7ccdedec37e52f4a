import onnxProto from 'onnx-proto';
import { attr, floatTensor, floatValueInfo, graphNode, int64Tensor } from '../lite-cnn/onnx-graph.js';
import { IMAGENET_CLASSES, type ImageNetPetLabel } from './imagenet-pet-labels.js';

const { onnx } = onnxProto;

/** The output the pet head adds: float32 [batch, labels], probabilities that sum to 1. */
export const PET_PROBABILITIES_OUTPUT = 'pet_probabilities';

/** How the backbone is wrapped. */
export interface PetHeadOptions {
  labels: ImageNetPetLabel[];
  /**
   * Test-time augmentation: the backbone also sees each image mirrored left to right (in the same
   * batch), and the two ImageNet distributions are averaged before the class sums.
   */
  horizontalFlip: boolean;
}

/**
 * Turns an ImageNet-1k classifier (one float32 NCHW input, one float32 logits output [batch, 1000])
 * into a pet-breed classifier that stays one plain ONNX model: softmax over the 1000 classes, then
 * a fixed 0/1 matrix that sums each label's ImageNet classes. The backbone's nodes and weights are
 * kept as they are. Deterministic: the same bytes and options give the same bytes.
 */
export function addPetHead(backboneBytes: Uint8Array, options: PetHeadOptions): Uint8Array {
  const model = onnx.ModelProto.decode(backboneBytes);
  const graph = model.graph;
  if (!(graph instanceof onnx.GraphProto)) throw new Error('The backbone has no graph.');
  const [input] = graph.input;
  const [output] = graph.output;
  if (!input?.name || !output?.name || graph.output.length !== 1) {
    throw new Error('The backbone must have one input and one output.');
  }
  const logits = output.name;
  const opset = model.opsetImport.find((entry) => !entry.domain)?.version;
  if (Number(opset) >= 13) {
    // ReduceMean's axes and Softmax's meaning both changed in opset 13; this head is written for 11-12.
    throw new Error(`The backbone declares opset ${opset}; the pet head is written for opset 11 or 12.`);
  }
  const imagenetProbabilities = 'pet_head.imagenet_probabilities';
  const head = options.horizontalFlip
    ? averageWithMirror(graph, input, logits, imagenetProbabilities)
    : [headNode('Softmax', [logits], [imagenetProbabilities], { axis: attr.int(1) })];
  graph.initializer.push(floatTensor('pet_head.class_sums', [IMAGENET_CLASSES, options.labels.length], classSumMatrix(options.labels)));
  head.push(headNode('MatMul', [imagenetProbabilities, 'pet_head.class_sums'], [PET_PROBABILITIES_OUTPUT]));
  graph.node.push(...head);
  graph.output = [floatValueInfo(PET_PROBABILITIES_OUTPUT, ['batch_size', options.labels.length])];
  return onnx.ModelProto.encode(model).finish();
}

/**
 * Feeds the backbone each image and its mirror image (one batch of twice the size) and returns the
 * head nodes that average the two softmaxed outputs into `into` [batch, 1000].
 */
function averageWithMirror(graph: onnxProto.onnx.GraphProto, input: onnxProto.onnx.IValueInfoProto, logits: string, into: string): onnxProto.onnx.INodeProto[] {
  const width = Number(input.type?.tensorType?.shape?.dim?.[3]?.dimValue);
  if (!Number.isInteger(width) || width <= 0) throw new Error('Flip augmentation needs a fixed input width.');
  const pair = 'pet_head.image_and_mirror';
  for (const backboneNode of graph.node) {
    backboneNode.input = backboneNode.input?.map((name) => (name === input.name ? pair : name)) ?? [];
  }
  graph.initializer.push(
    int64Tensor('pet_head.reversed_columns', [width], Array.from({ length: width }, (_, i) => width - 1 - i)),
    int64Tensor('pet_head.pair_shape', [3], [2, -1, IMAGENET_CLASSES]),
  );
  graph.node.unshift(
    headNode('Gather', [input.name!, 'pet_head.reversed_columns'], ['pet_head.mirror'], { axis: attr.int(3) }),
    headNode('Concat', [input.name!, 'pet_head.mirror'], [pair], { axis: attr.int(0) }),
  );
  return [
    headNode('Softmax', [logits], ['pet_head.pair_probabilities'], { axis: attr.int(1) }),
    headNode('Reshape', ['pet_head.pair_probabilities', 'pet_head.pair_shape'], ['pet_head.probabilities_by_view']),
    headNode('ReduceMean', ['pet_head.probabilities_by_view'], [into], { axes: attr.ints([0]), keepdims: attr.int(0) }),
  ];
}

/** Row i, column j is 1 when ImageNet class i belongs to label j; every class belongs to exactly one label. */
export function classSumMatrix(labels: ImageNetPetLabel[]): Float32Array {
  const matrix = new Float32Array(IMAGENET_CLASSES * labels.length);
  const owner = new Map<number, string>();
  labels.forEach((label, column) => {
    for (const imagenetClass of label.imagenet) {
      const previous = owner.get(imagenetClass);
      if (previous !== undefined) throw new Error(`ImageNet class ${imagenetClass} is in both ${previous} and ${label.id}.`);
      owner.set(imagenetClass, label.id);
      matrix[imagenetClass * labels.length + column] = 1;
    }
  });
  if (owner.size !== IMAGENET_CLASSES) throw new Error(`The labels cover ${owner.size} of ${IMAGENET_CLASSES} ImageNet classes.`);
  return matrix;
}

function headNode(opType: string, inputs: string[], outputs: string[], attributes: Record<string, onnxProto.onnx.IAttributeProto> = {}): onnxProto.onnx.INodeProto {
  return graphNode(opType, inputs, outputs, attributes, `pet_head.${outputs[0]}`);
}
