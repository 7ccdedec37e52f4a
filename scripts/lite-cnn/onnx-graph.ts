import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** The ONNX IR version and default-domain opset every model built here declares. */
export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 13;
export const ONNX_PRODUCER = 'litecnn-dual';

/** A tensor dimension: a fixed size, or a symbolic name such as "batch". */
export type Dim = number | string;

/** Node attribute constructors; ONNX needs the type spelled out because a JS number is both int and float. */
export const attr = {
  int: (value: number): onnxProto.onnx.IAttributeProto => ({ type: onnx.AttributeProto.AttributeType.INT, i: value }),
  ints: (values: number[]): onnxProto.onnx.IAttributeProto => ({ type: onnx.AttributeProto.AttributeType.INTS, ints: values }),
  float: (value: number): onnxProto.onnx.IAttributeProto => ({ type: onnx.AttributeProto.AttributeType.FLOAT, f: value }),
};

/** Collects the nodes, weights and graph inputs/outputs of one float32 ONNX graph, then serialises it. */
export class OnnxGraphBuilder {
  readonly #name: string;
  readonly #nodes: onnxProto.onnx.INodeProto[] = [];
  readonly #initializers: onnxProto.onnx.ITensorProto[] = [];
  readonly #inputs: onnxProto.onnx.IValueInfoProto[] = [];
  readonly #outputs: onnxProto.onnx.IValueInfoProto[] = [];

  constructor(name: string) {
    this.#name = name;
  }

  /** Adds a float32 weight tensor and returns its name, for use as a node input. */
  addInitializer(name: string, dims: number[], values: Float32Array): string {
    const elements = dims.reduce((product, dim) => product * dim, 1);
    if (elements !== values.length) {
      throw new Error(`Initializer ${name}: shape [${dims.join(', ')}] holds ${elements} values, got ${values.length}.`);
    }
    this.#initializers.push(floatTensor(name, dims, values));
    return name;
  }

  /** Adds a node; `name` defaults to the first output's name. */
  addNode(opType: string, inputs: string[], outputs: string[], attributes: Record<string, onnxProto.onnx.IAttributeProto> = {}, name = outputs[0]): void {
    this.#nodes.push(graphNode(opType, inputs, outputs, attributes, name));
  }

  /** Declares a float32 graph input. */
  addInput(name: string, shape: Dim[]): void {
    this.#inputs.push(floatValueInfo(name, shape));
  }

  /** Declares a float32 graph output. */
  addOutput(name: string, shape: Dim[]): void {
    this.#outputs.push(floatValueInfo(name, shape));
  }

  /** Serialises the graph as an ONNX ModelProto. */
  toModelBytes(): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: ONNX_IR_VERSION,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      producerName: ONNX_PRODUCER,
      graph: {
        name: this.#name,
        node: this.#nodes,
        initializer: this.#initializers,
        input: this.#inputs,
        output: this.#outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

/** One node; `name` defaults to the first output's name. */
export function graphNode(opType: string, inputs: string[], outputs: string[], attributes: Record<string, onnxProto.onnx.IAttributeProto> = {}, name = outputs[0]): onnxProto.onnx.INodeProto {
  const attribute = Object.entries(attributes).map(([attributeName, value]) => ({ ...value, name: attributeName }));
  return { opType, input: inputs, output: outputs, name: name ?? null, attribute };
}

/** A float32 graph input or output of the given shape. */
export function floatValueInfo(name: string, shape: Dim[]): onnxProto.onnx.IValueInfoProto {
  const dim = shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim } } } };
}

/** A float32 tensor (a weight or constant); ONNX raw_data is little-endian whatever the host's byte order. */
export function floatTensor(name: string, dims: number[], values: Float32Array): onnxProto.onnx.ITensorProto {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => view.setFloat32(i * 4, value, true));
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: bytes };
}

/** An int64 tensor (indices, shapes), little-endian like {@link floatTensor}. */
export function int64Tensor(name: string, dims: number[], values: number[]): onnxProto.onnx.ITensorProto {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => view.setBigInt64(i * 8, BigInt(value), true));
  return { name, dims, dataType: onnx.TensorProto.DataType.INT64, rawData: bytes };
}
