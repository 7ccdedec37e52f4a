import os from 'node:os';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { DEFAULT_ONNX_THREADS } from '../src/main/inference/onnx-threads.js';

/** The machine and software a run was measured on. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  ramBytes: number;
  os: string;
  node: string;
  onnxruntimeNode: string;
  sharp: string;
  libvips: string;
  /** Threads libvips uses per image (sharp.concurrency()). */
  sharpThreads: number;
  date: Date;
}

/** The machine as the rows of a report's table (what, value). */
export function machineRows(machine: MachineInfo): [string, string][] {
  return [
    ['CPU', machine.cpuModel],
    ['Cores', String(machine.cores)],
    ['RAM', `${(machine.ramBytes / 2 ** 30).toFixed(1)} GiB`],
    ['OS', machine.os],
    ['Node.js', machine.node],
    ['onnxruntime-node', `${machine.onnxruntimeNode}, ${DEFAULT_ONNX_THREADS} thread(s) per run (floor and slots alike)`],
    ['sharp (libvips)', `${machine.sharp} (${machine.libvips}), ${machine.sharpThreads} thread(s) per image`],
    ['Date', machine.date.toISOString()],
  ];
}

/** Describes this machine as the report notes it. */
export function describeMachine(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    ramBytes: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    onnxruntimeNode: ort.env.versions.node ?? 'unknown',
    sharp: sharp.versions.sharp ?? 'unknown',
    libvips: sharp.versions.vips,
    sharpThreads: sharp.concurrency(),
    date: new Date(),
  };
}
