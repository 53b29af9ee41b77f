import { cpus, release, totalmem } from 'node:os';

/** The machine a run measured on: performance figures only compare on like machines. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
}

export function describeMachine(): MachineInfo {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    os: `${process.platform} ${release()}`,
    node: process.versions.node,
  };
}

/** Same CPU model and core count: close enough to compare latency figures. */
export function sameMachineClass(a: MachineInfo, b: MachineInfo): boolean {
  return a.cpu === b.cpu && a.cores === b.cores;
}
