/** The machine a run happened on, and CPU sampling of the client process and the machine. */
import os from 'node:os';
import type { RunResult } from '../core/results.js';

/** Identity of this machine for results.json ("every number carries ... the machine"). */
export function machineInfo(): RunResult['machine'] {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    platform: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    totalMemBytes: os.totalmem(),
    node: process.version,
  };
}

/**
 * Samples CPU once per call: the client process (all its threads) as % of one core, and
 * the whole machine as % of all cores.
 */
export class CpuSampler {
  private lastProc = process.cpuUsage();
  private lastWall = process.hrtime.bigint();
  private lastMachine = machineTimes();
  readonly processPct: number[] = [];
  readonly machinePct: number[] = [];

  sample(): { processPct: number; machinePct: number } {
    const proc = process.cpuUsage();
    const wall = process.hrtime.bigint();
    const m = machineTimes();
    const wallUs = Number(wall - this.lastWall) / 1000;
    const usedUs = proc.user - this.lastProc.user + (proc.system - this.lastProc.system);
    const processPct = wallUs > 0 ? (usedUs / wallUs) * 100 : 0;
    const total = m.total - this.lastMachine.total;
    const machinePct = total > 0 ? (1 - (m.idle - this.lastMachine.idle) / total) * 100 : 0;
    this.lastProc = proc;
    this.lastWall = wall;
    this.lastMachine = m;
    this.processPct.push(processPct);
    this.machinePct.push(machinePct);
    return { processPct, machinePct };
  }
}

function machineTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const c of os.cpus()) {
    idle += c.times.idle;
    total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
  }
  return { idle, total };
}
