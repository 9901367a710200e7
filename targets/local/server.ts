/**
 * The life cycle every local server shares (status / start / stop), written once so that each
 * targets/<store>/local.ts only says how to launch its server and how to probe it.
 *
 * Ownership: a server is "ours" when the process listening on its port is (or descends from)
 * the pid capbench recorded in its pid file (or one of `ownPids()`). A healthy server of the
 * same kind that capbench did not start (e.g. the user's own Redis on 6379) is reported as
 * running with provisioner "external" and is never stopped by capbench; anything else on the
 * port is a ProvisionError naming the store, the port, the holder and what to do.
 */
import { productLabel, type ServerInfo, type ServiceContext, type ServiceStatus, type StoreName } from '../../core/target.js';
import { ProvisionError, describeError } from '../../core/errors.js';
import type { ServiceLayout } from './paths.js';
import { addressOf, checkPort, describeHolder, waitFor, type PortOwnership } from './net.js';
import { withFileLock } from './lock.js';
import { isProcessAlive, readLivePid, removePidFile, stopProcess } from './process.js';

/** What a local server tells the shared life cycle about itself. */
export interface LocalServerSpec {
  store: StoreName | 'k6' | 'k6-sql';
  /** Product name shown while the server is not answering ("Redis", "PostgreSQL"). */
  product: string;
  /** Loopback address it listens on. */
  host: string;
  port: number;
  /** Files: dataDir, logPath and pidPath (the pid file spawnDetached() writes). */
  layout: ServiceLayout;
  /** Health check plus identity, read from the server at host:port. Throws when not healthy. */
  probe(timeoutMs: number): Promise<ServerInfo>;
  /** True when the server's binaries are installed. */
  installed(): Promise<boolean>;
  /** Prepare the data directory and spawn the server (spawnDetached); returns its pid. */
  launch(ctx: ServiceContext): Promise<number>;
  /** Extra pids that count as capbench's own (e.g. PostgreSQL's postmaster.pid), default none. */
  ownPids?(): Promise<number[]>;
  /** Signal that shuts the server down cleanly (default SIGTERM). */
  stopSignal?: NodeJS.Signals;
  /** How long a clean shutdown may take before SIGKILL, ms (default 60 000). */
  stopTimeoutMs?: number;
  /** What to tell the user when the port is held by a process capbench cannot use (given its command line). */
  foreignHint?(command: string | undefined): string | undefined;
}

interface Observed {
  pid?: number;
  alive: boolean;
  port: PortOwnership;
}

async function observe(spec: LocalServerSpec): Promise<Observed> {
  const recorded = await readLivePid(spec.layout.pidPath);
  const extra = spec.ownPids ? await spec.ownPids() : [];
  const candidates = [recorded, ...extra].filter((p): p is number => p !== undefined && isProcessAlive(p));
  const port = await checkPort(spec.host, spec.port, candidates);
  const pid = port.state === 'ours' ? port.pid : candidates[0];
  return { pid, alive: pid !== undefined, port };
}

function base(spec: LocalServerSpec): Omit<ServiceStatus, 'state'> {
  return {
    store: spec.store,
    product: spec.product,
    address: addressOf(spec),
    provisioner: 'local',
    dataDir: spec.layout.dataDir,
    logPath: spec.layout.logPath,
  };
}

function running(spec: LocalServerSpec, info: ServerInfo, message: string, external = false): ServiceStatus {
  return {
    ...base(spec),
    product: productLabel(info),
    version: info.version,
    state: 'running',
    provisioner: external ? 'external' : 'local',
    ...(external ? { dataDir: undefined, logPath: undefined } : {}),
    message,
  };
}

/**
 * Current state of a local server, never throwing for anything the user can hit:
 * running (ours, healthy), running/external (healthy, not ours), failed (port taken by something
 * else, or our process alive but not answering), stopped, or not-installed.
 */
export async function localServerStatus(spec: LocalServerSpec, ctx: ServiceContext): Promise<ServiceStatus> {
  const o = await observe(spec);
  const probeMs = Math.min(5000, ctx.startTimeoutMs);
  if (o.port.state === 'ours') {
    try {
      return running(spec, await spec.probe(probeMs), `pid ${o.port.pid}`);
    } catch (err) {
      return { ...base(spec), state: 'failed', message: `pid ${o.port.pid} holds the port but does not answer: ${describeError(err)}` };
    }
  }
  if (o.port.state === 'foreign') {
    const holder = describeHolder(o.port);
    try {
      const info = await spec.probe(probeMs);
      return running(spec, info, `served by ${holder}, which capbench did not start; used as is, never stopped by capbench`, true);
    } catch {
      return { ...base(spec), state: 'failed', message: `port ${spec.port} is taken by ${holder}, which is not a healthy ${spec.product}` };
    }
  }
  if (o.alive) {
    return { ...base(spec), state: 'failed', message: `pid ${o.pid} runs but does not listen on ${addressOf(spec)} (still starting, or stuck; see the log)` };
  }
  if (!(await spec.installed())) return { ...base(spec), state: 'not-installed', dataDir: undefined, logPath: undefined, message: 'not installed' };
  return { ...base(spec), state: 'stopped' };
}

/**
 * Start the server unless it already runs (idempotent; serialised across processes by a lock
 * file next to the pid file). Returns a running status whose message
 * is "already running" (ours), "already running, not started by capbench ..." (external) or
 * "started in N.N s".
 * @throws ProvisionError when not installed, the port is taken by something that is not a
 *   healthy server of this kind, or the server does not answer within ctx.startTimeoutMs (the
 *   process capbench launched is then stopped again; the message names the log).
 */
export function localServerStart(spec: LocalServerSpec, ctx: ServiceContext): Promise<ServiceStatus> {
  return withFileLock(spec.store, lockPath(spec), () => startLocked(spec, ctx), ctx.startTimeoutMs + 120_000);
}

async function startLocked(spec: LocalServerSpec, ctx: ServiceContext): Promise<ServiceStatus> {
  const o = await observe(spec);
  if (o.port.state === 'foreign') {
    const holder = describeHolder(o.port);
    try {
      const info = await spec.probe(Math.min(5000, ctx.startTimeoutMs));
      return running(spec, info, `already running, served by ${holder}, which capbench did not start; used as is`, true);
    } catch (err) {
      const why = err instanceof Error ? err.message.replace(/[.\s]+$/, '') : String(err);
      throw new ProvisionError(spec.store, `port ${spec.port} on ${spec.host} is already taken by ${holder}, and capbench cannot use it (${why})`, {
        hint:
          spec.foreignHint?.(o.port.command) ??
          `Stop that process, or point capbench at a usable ${spec.product} with CAPBENCH_${spec.store.toUpperCase()}_URL.`,
      });
    }
  }
  const t0 = Date.now();
  const waitHealthy = (pid: number, what: string) =>
    waitFor(
      what,
      () => spec.probe(2000),
      { store: spec.store, timeoutMs: ctx.startTimeoutMs, intervalMs: 200, logPath: spec.layout.logPath, pid },
    );
  if (o.alive && o.pid !== undefined) {
    // ours: running already, or still starting from an earlier call
    const info = await waitHealthy(o.pid, `answer on ${addressOf(spec)}`);
    return running(spec, info, o.port.state === 'ours' ? 'already running' : `already starting; ready after ${secs(t0)}`);
  }
  if (!(await spec.installed())) {
    throw new ProvisionError(spec.store, `${spec.product} is not installed`, {
      hint: `Run \`capbench services up ${spec.store}\`, which installs it.`,
    });
  }
  await removePidFile(spec.layout.pidPath);
  ctx.log(`${spec.store}: starting ${spec.product} on ${addressOf(spec)} (data ${spec.layout.dataDir})`);
  const pid = await spec.launch(ctx);
  try {
    const info = await waitHealthy(pid, `answer on ${addressOf(spec)}`);
    const msg = `started in ${secs(t0)}`;
    ctx.log(`${spec.store}: ${productLabel(info)} ${msg}`);
    return running(spec, info, msg);
  } catch (err) {
    await stopProcess(spec.store, pid, { signal: spec.stopSignal, timeoutMs: 10_000 }).catch(() => undefined);
    await removePidFile(spec.layout.pidPath);
    throw err;
  }
}

/**
 * Stop the server if capbench started it (idempotent): "stopped (pid N)" or "already stopped".
 * A server capbench did not start is left alone (status running/external, "left running").
 * @throws ProvisionError when the process survives SIGKILL.
 */
export function localServerStop(spec: LocalServerSpec, ctx: ServiceContext): Promise<ServiceStatus> {
  return withFileLock(spec.store, lockPath(spec), () => stopLocked(spec, ctx), ctx.startTimeoutMs + 120_000);
}

async function stopLocked(spec: LocalServerSpec, ctx: ServiceContext): Promise<ServiceStatus> {
  const o = await observe(spec);
  if (o.port.state === 'foreign') {
    const st = await localServerStatus(spec, ctx);
    return { ...st, message: `not started by capbench (${describeHolder(o.port)}); left running` };
  }
  if (!o.alive || o.pid === undefined) {
    await removePidFile(spec.layout.pidPath);
    const installed = await spec.installed();
    return installed ? { ...base(spec), state: 'stopped', message: 'already stopped' } : { ...base(spec), state: 'not-installed', message: 'not installed' };
  }
  ctx.log(`${spec.store}: stopping pid ${o.pid}`);
  const outcome = await stopProcess(spec.store, o.pid, { signal: spec.stopSignal ?? 'SIGTERM', timeoutMs: spec.stopTimeoutMs ?? 60_000 });
  await removePidFile(spec.layout.pidPath);
  return { ...base(spec), state: 'stopped', message: outcome === 'killed' ? `killed (pid ${o.pid}) after a clean shutdown timed out` : `stopped (pid ${o.pid})` };
}

/** `<stateDir>/<name>/<name>.lock`, next to the pid file: serialises start/stop across processes. */
function lockPath(spec: LocalServerSpec): string {
  return spec.layout.pidPath.replace(/\.pid$/, '') + '.lock';
}

function secs(t0: number): string {
  return `${((Date.now() - t0) / 1000).toFixed(1)} s`;
}
