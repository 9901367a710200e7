/**
 * Faults on purpose during a run (issue 13; docs/faults.md): prepare the controls before any
 * work starts (refusing, in one line, a fault the target cannot take), run the timeline
 * alongside the engine's run phase (times from the run phase's t = 0, as on the charts), lift
 * what is still on when the run ends or is aborted, and analyse each fault from the per-second
 * series: errors by kind, time to first error, time to recovery, operations failed, timed out
 * and short, and what the store lost by the scenario's own verification.
 *
 * The stores' own mechanics live in targets/<store>/faults.ts; the SPEC grammar in core/faults.ts.
 */
import { UsageError, describeError } from '../core/errors.js';
import type { FaultSpec } from '../core/faults.js';
import type { FaultResult, SeriesPoint, ThresholdResult } from '../core/results.js';
import type { Connection, StoreName } from '../core/target.js';
import { faultControl, redisPersistenceMode, startDelayProxy, type DelayProxy, type ServerControl } from '../targets/faults.js';
import { createServiceContext } from '../targets/local/paths.js';

/** What each kind needs of a store's control. */
const NEEDS: Record<Exclude<FaultSpec['kind'], 'delay'>, (f: FaultSpec) => (keyof ServerControl)[]> = {
  pause: () => ['pause', 'resume'],
  kill: () => ['kill'],
  stop: (f) => (f.forS !== undefined ? ['stop', 'start'] : ['stop']),
  restart: () => ['stop', 'start'],
};

/** The controls and proxies a run's faults use; `connections` is what the workload must connect to. */
export interface PreparedFaults {
  faults: FaultSpec[];
  controls: Map<StoreName, ServerControl>;
  proxies: Map<StoreName, DelayProxy>;
  /** The run's connections, with a delayed store's pointing at its proxy. */
  connections: Partial<Record<StoreName, Connection>>;
  /** Close the proxies (idempotent). */
  close(): Promise<void>;
}

function viaProxy(conn: Connection, port: number): Connection {
  const u = new URL(conn.url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return { ...conn, host: '127.0.0.1', port, url: u.toString() };
}

/**
 * Resolve how every fault will act, before any work starts.
 * @throws UsageError, one line, for a fault its target cannot take (e.g. a kill on a server
 *   capbench did not start: only what the store's protocol allows, CLIENT PAUSE or a held lock).
 */
export async function prepareFaults(faults: readonly FaultSpec[], connections: Partial<Record<StoreName, Connection>>): Promise<PreparedFaults> {
  const controls = new Map<StoreName, ServerControl>();
  const proxies = new Map<StoreName, DelayProxy>();
  const out = { ...connections };
  const ctx = createServiceContext({ log: () => undefined });
  const close = async () => {
    for (const p of proxies.values()) await p.close().catch(() => undefined);
    proxies.clear();
  };
  try {
    for (const f of faults) {
      const conn = connections[f.store];
      if (!conn) throw new UsageError(`Fault ${f.spec} names ${f.store}, which this run does not use.`);
      if (f.kind === 'delay') {
        if (!proxies.has(f.store)) {
          const p = await startDelayProxy(conn.host, conn.port);
          proxies.set(f.store, p);
          out[f.store] = viaProxy(conn, p.port);
        }
        continue;
      }
      let control = controls.get(f.store);
      if (!control) {
        control = await faultControl(f.store, conn, ctx);
        controls.set(f.store, control);
      }
      const missing = NEEDS[f.kind](f).filter((m) => typeof control[m] !== 'function');
      if (missing.length > 0) {
        throw new UsageError(`Cannot inject ${f.spec}: ${control.describe}.`, {
          hint: `Faults other than a pause (and delay) act only on servers capbench started: run \`capbench services up ${f.store}\` with CAPBENCH_STATE_DIR and CAPBENCH_PORT_OFFSET for a private one (docs/faults.md).`,
        });
      }
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { faults: [...faults], controls, proxies, connections: out, close };
}

/** What happened to one fault during the run (before analysis). */
export interface FaultRecord {
  fault: FaultSpec;
  target: string;
  actions: FaultResult['actions'];
  liftedAtS: number | null;
  notes: string[];
}

/** A running timeline: finish() lifts what is still on, restarts a store left down, and returns the records. */
export interface FaultTimeline {
  /** Cancel what is still to come and lift what is on (a pause, a delay) at once: on Ctrl-C, so that in-flight operations end. */
  liftNow(): Promise<void>;
  finish(): Promise<FaultRecord[]>;
}

/**
 * Start the faults' timeline at `startEpochMs` (the run phase's t = 0). Never throws: a failed
 * action is recorded (and the store reported as not recovered).
 */
export function startFaultTimeline(prep: PreparedFaults, startEpochMs: number, log: (line: string) => void): FaultTimeline {
  const records: FaultRecord[] = prep.faults.map((fault) => ({
    fault,
    target: fault.kind === 'delay' ? `a TCP proxy on 127.0.0.1:${prep.proxies.get(fault.store)?.port ?? '?'} in front of ${fault.store} (tc netem is not available: docs/faults.md)` : (prep.controls.get(fault.store)?.describe ?? fault.store),
    actions: [],
    liftedAtS: null,
    notes: [],
  }));
  const timers = new Set<NodeJS.Timeout>();
  const down = new Set<StoreName>();
  const lifts: (() => Promise<void>)[] = [];
  let chain = Promise.resolve();
  let finished = false;
  // The engine's clock (performance.timeOrigin + now()), not Date.now(): the two drift apart by up to a second.
  const clock = () => performance.timeOrigin + performance.now();
  const nowS = () => (clock() - startEpochMs) / 1000;
  // Actions run one after another (a restart waits for the kill before it), in time order.
  const act = (rec: FaultRecord, what: string, fn: () => Promise<void> | void): Promise<boolean> => {
    const p = chain.then(async () => {
      const atS = nowS();
      try {
        await fn();
        rec.actions.push({ atS: round3(atS), what, ok: true });
        log(`fault ${rec.fault.spec}: ${what} at ${atS.toFixed(2)} s`);
        return true;
      } catch (err) {
        rec.actions.push({ atS: round3(atS), what, ok: false, error: describeError(err) });
        log(`fault ${rec.fault.spec}: ${what} failed: ${describeError(err)}`);
        return false;
      }
    });
    chain = p.then(() => undefined);
    return p;
  };
  const at = (tS: number, fn: () => void) => {
    const t = setTimeout(() => (timers.delete(t), fn()), Math.max(0, startEpochMs + tS * 1000 - clock()));
    timers.add(t);
  };

  for (const rec of records) {
    const f = rec.fault;
    const control = prep.controls.get(f.store);
    const proxy = prep.proxies.get(f.store);
    const lifted = () => (rec.liftedAtS = round3(nowS()));
    at(f.atS, () => {
      if (finished) return;
      switch (f.kind) {
        case 'pause': {
          let on = false;
          void act(rec, 'pause', () => control!.pause!(f.forS! * 1000)).then((ok) => (on = ok));
          const lift = async () => {
            if (!on) return;
            on = false;
            if (await act(rec, 'resume', () => control!.resume!())) lifted();
          };
          lifts.push(lift);
          at(f.atS + f.forS!, () => void lift());
          break;
        }
        case 'delay': {
          void act(rec, `delay ${f.delayMs} ms each way on`, () => proxy!.setDelayMs(f.delayMs!));
          const lift = async () => {
            if (rec.liftedAtS !== null) return;
            proxy!.setDelayMs(0);
            rec.actions.push({ atS: round3(nowS()), what: 'delay off', ok: true });
            lifted();
          };
          lifts.push(lift);
          at(f.atS + f.forS!, () => void lift());
          break;
        }
        case 'kill':
          down.add(f.store);
          void act(rec, 'SIGKILL', () => control!.kill!());
          break;
        case 'stop': {
          down.add(f.store);
          void act(rec, 'clean stop', () => control!.stop!());
          if (f.forS !== undefined) {
            at(f.atS + f.forS, () => {
              if (finished) return;
              void act(rec, 'start', () => control!.start!()).then((ok) => {
                if (ok) (down.delete(f.store), lifted());
              });
            });
          }
          break;
        }
        case 'restart': {
          const wasDown = down.has(f.store);
          const start = () =>
            act(rec, 'start (answers again)', () => control!.start!()).then((ok) => {
              if (!ok) return;
              down.delete(f.store);
              lifted();
              // the kill or stop this start undoes is lifted now too
              for (const r of records) if (r !== rec && r.fault.store === f.store && r.liftedAtS === null && (r.fault.kind === 'kill' || r.fault.kind === 'stop')) r.liftedAtS = rec.liftedAtS;
            });
          if (wasDown) void start();
          else void act(rec, 'clean stop', () => control!.stop!()).then(start);
          break;
        }
      }
    });
  }

  const liftNow = async () => {
    finished = true;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    await chain;
    for (const lift of lifts) await lift().catch(() => undefined);
  };
  return {
    liftNow,
    async finish() {
      await liftNow();
      // A store a fault left down is started again so that the scenario can verify what it kept.
      for (const store of down) {
        const control = prep.controls.get(store);
        const rec = [...records].reverse().find((r) => r.fault.store === store)!;
        if (control?.start) {
          const ok = await act(rec, 'start after the run (to verify)', () => control.start!());
          rec.notes.push(`${store} was still down when the run ended${ok ? '; capbench started it again after the run so that the scenario could verify what it kept' : ' and did not start again'}`);
        }
      }
      await chain;
      await prep.close();
      return records;
    },
  };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Per-second success rate, %, or null when nothing completed. */
function successPct(p: SeriesPoint): number | null {
  return p.completedOps > 0 ? (100 * (p.completedOps - p.errors)) / p.completedOps : null;
}

/**
 * Analyse each fault from the run's whole-run series and its errors by kind per second.
 * The pre-fault band: the up to 10 seconds before the run's first fault (the first second of the run left
 * out; warmup seconds only when no measured second precedes the fault), p99 at most twice their
 * worst p99 (at least worst + 10 ms: on a shared machine a quiet second's p99 varies that much), success rate at least their worst - 1 point.
 * Recovery: the first second after the first out-of-band second from which two seconds running
 * are back within the band (per-second resolution; 0 when no second left the band).
 */
export function analyseFaults(records: readonly FaultRecord[], series: readonly SeriesPoint[], errorsBySec: ReadonlyMap<number, Record<string, number>>, lossChecks: readonly ThresholdResult[]): FaultResult[] {
  const bySec = new Map(series.map((p) => [p.t, p]));
  const lastSec = series.length ? Math.max(...series.map((p) => p.t)) : 0;
  // One band for every fault: the seconds before the first fault of the run (a later fault's own
  // 'before' may still be disturbed by an earlier one, e.g. a restart after a kill).
  const firstStart = Math.min(...records.map((r) => r.actions.find((a) => a.ok)?.atS ?? r.fault.atS));
  return records.map((rec) => {
    const f = rec.fault;
    const started = rec.actions.find((a) => a.ok)?.atS ?? f.atS;
    const s0 = Math.floor(started);
    const b0 = Math.floor(firstStart);
    const before = series.filter((p) => p.t < b0 && p.t >= Math.max(1, b0 - 10) && p.completedOps > 0);
    // Measured seconds when there are any (warmup seconds carry connection set-up and JIT noise).
    const pre = before.some((p) => !p.warmup) ? before.filter((p) => !p.warmup) : before;
    const p99s = pre.map((p) => p.latencyMs.p99).filter((x): x is number => x !== null);
    const succ = pre.map(successPct).filter((x): x is number => x !== null);
    const band = {
      p99Ms: p99s.length ? round3(Math.max(2 * Math.max(...p99s), Math.max(...p99s) + 10)) : null,
      successPct: succ.length ? Math.max(0, round3(Math.min(...succ) - 1)) : null,
    };
    const inBand = (t: number): boolean => {
      const p = bySec.get(t);
      if (!p || p.completedOps === 0) return false;
      const ok = successPct(p);
      if (band.successPct !== null && (ok === null || ok < band.successPct)) return false;
      if (band.p99Ms !== null && p.latencyMs.p99 !== null && p.latencyMs.p99 > band.p99Ms) return false;
      return true;
    };
    const notes = [...rec.notes];
    if (pre.length === 0) notes.push('no measured second before the fault: the band is unknown, recovery is judged on errors alone');
    let firstBad: number | undefined;
    for (let t = s0; t <= lastSec; t++) if (!inBand(t)) { firstBad = t; break; }
    // A later fault ends this one's window (its recovery is judged by the later fault), except
    // the restart that brings a killed or stopped store back: that is this fault's own end.
    const liftsThis = (r: FaultRecord) => r.fault.kind === 'restart' && r.fault.store === f.store && (f.kind === 'kill' || f.kind === 'stop');
    const next = records.filter((r) => !liftsThis(r)).map((r) => ({ spec: r.fault.spec, at: r.actions.find((a) => a.ok)?.atS ?? r.fault.atS })).filter((n) => n.at > started + 0.001).sort((a, b) => a.at - b.at)[0];
    const windowEnd = next ? Math.min(lastSec, Math.floor(next.at)) : lastSec;
    let recoveredAt: number | null = null;
    if (firstBad === undefined) recoveredAt = started;
    else {
      for (let t = firstBad + 1; t <= windowEnd; t++) {
        if (inBand(t) && (t === lastSec || t === windowEnd || inBand(t + 1))) { recoveredAt = t; break; }
      }
    }
    const endSec = recoveredAt === null ? lastSec : Math.max(s0, Math.ceil(recoveredAt) - 1);
    const errorsByKind: Record<string, number> = {};
    let firstErrSec: number | undefined;
    let opsShort = 0;
    let open = false;
    for (let t = s0; t <= endSec; t++) {
      const e = errorsBySec.get(t);
      if (e) for (const [k, v] of Object.entries(e)) {
        errorsByKind[k] = (errorsByKind[k] ?? 0) + v;
        if (v > 0 && firstErrSec === undefined) firstErrSec = t;
      }
      const p = bySec.get(t);
      if (p && p.targetOps !== null) (open = true, (opsShort += Math.max(0, p.targetOps - p.completedOps)));
    }
    const opsFailed = Object.values(errorsByKind).reduce((a, v) => a + v, 0);
    const interruptedBy = recoveredAt === null && next ? next.spec : undefined;
    if (interruptedBy) notes.push(`the next fault, ${interruptedBy}, began before the run was back within the pre-fault band: recovery is judged on that one`);
    else if (recoveredAt === null) notes.push(`${f.store} did not come back within the pre-fault band before the run ended`);
    if (rec.actions.some((a) => !a.ok)) notes.push(`an action failed: ${rec.actions.filter((a) => !a.ok).map((a) => `${a.what}: ${a.error}`).join('; ')}`);
    return {
      spec: f.spec,
      store: f.store,
      kind: f.kind,
      atS: f.atS,
      ...(f.forS !== undefined ? { forS: f.forS } : {}),
      ...(f.delayMs !== undefined ? { delayMs: f.delayMs } : {}),
      target: rec.target,
      actions: rec.actions,
      liftedAtS: rec.liftedAtS,
      errorsByKind,
      timeToFirstErrorS: firstErrSec === undefined ? null : round3(Math.max(0, firstErrSec - started)),
      timeToRecoveryS: recoveredAt === null ? null : round3(Math.max(0, recoveredAt - started)),
      ...(interruptedBy ? { interruptedBy } : {}),
      band,
      opsFailed,
      opsTimedOut: errorsByKind.timeout ?? 0,
      opsShort: open ? opsShort : null,
      storeLoss: lossChecks.map((c) => ({ check: c.expression, value: c.actual, unit: c.unit, note: 'the scenario\'s own verification after the run, over the whole run' })),
      notes,
    };
  });
}

/** The scenario checks that count what a store lost (names with "lost", "unaccounted" or "missing"). */
export function lossChecks(checks: readonly ThresholdResult[]): ThresholdResult[] {
  return checks.filter((c) => /lost|unaccounted|missing|not indexed/i.test(`${c.metric} ${c.expression}`));
}

/** One failed check per fault whose store did not come back (exit 1). */
export function recoveryChecks(faults: readonly FaultResult[]): ThresholdResult[] {
  return faults
    .filter((f) => f.timeToRecoveryS === null && f.interruptedBy === undefined)
    .map((f) => ({ expression: `${f.spec}: ${f.store} recovers`, operation: '*', metric: 'fault_recovery', unit: 's', limit: 0, actual: null, passed: false }));
}

/** A note on the persistence mode of each Redis a kill or restart acted on (CONFIG GET), or why it could not be read. */
export async function persistenceNotes(faults: readonly FaultSpec[], connections: Partial<Record<StoreName, Connection>>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const f of faults) {
    if (f.store !== 'redis' || !['kill', 'restart', 'stop'].includes(f.kind) || !connections.redis) continue;
    try {
      out.set(f.spec, `Redis persistence during the run: ${await redisPersistenceMode(connections.redis)} (CONFIG GET)`);
    } catch (err) {
      out.set(f.spec, `Redis persistence mode could not be read: ${describeError(err)}`);
    }
  }
  return out;
}
