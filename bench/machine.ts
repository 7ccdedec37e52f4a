import os from 'node:os';
import ort from 'onnxruntime-node';
import sharp from 'sharp';

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
