/**
 * Fault specs (issue 13, "Fault injection"): the one place a SPEC such as `redis:kill@10s`,
 * `redis:pause@10s+500ms`, `cassandra:stop@15s+10s` or `redis:delay@10s+5s=20ms` is parsed
 * and validated (zod), for `--fault` flags and the `faults:` list of a scenario file alike.
 *
 * Grammar: `<store>:<kind>@<at>[+<for>][=<latency>]`, times with a unit (ms, s, m):
 * - pause   needs +for: the server stops answering for that long (SIGSTOP/SIGCONT on a server
 *           capbench started; CLIENT PAUSE on an external Redis);
 * - kill    no +for: SIGKILL, the server stays down until a restart fault (or the run ends);
 * - stop    optional +for: a clean shutdown; with +for it is started again after that long;
 * - restart no +for: a clean stop then a start (or just a start when it is down, after kill);
 * - delay   needs +for and =latency: every byte to and from the store's port waits that long.
 * Times are seconds since the run phase began (warmup included), as on the report's charts.
 */
import { z } from 'zod';
import { UsageError } from './errors.js';
import { STORES, type StoreName } from './target.js';
import { parseDurationS } from './units.js';

/** The kinds of fault. */
export const FAULT_KINDS = ['pause', 'kill', 'stop', 'restart', 'delay'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One fault, parsed. */
export interface FaultSpec {
  /** The text as given (canonical for reports), e.g. "redis:kill@10s". */
  spec: string;
  store: StoreName;
  kind: FaultKind;
  /** When it starts, s since the run phase began. */
  atS: number;
  /** How long it lasts, s (pause, delay, stop with a restart). */
  forS?: number;
  /** Added latency per direction, ms (delay only). */
  delayMs?: number;
}

const SPEC_RE = /^([a-z]+):([a-z]+)@([^+=]+)(?:\+([^=]+))?(?:=(.+))?$/;

function parseTime(text: string, what: string, allowZero: boolean): number {
  try {
    return parseDurationS(text.trim(), what, allowZero);
  } catch {
    throw new Error(`${what} "${text}" is not a duration: use e.g. 500ms, 10s or 2m`);
  }
}

/**
 * Parse one SPEC.
 * @throws Error (wrapped as a UsageError by the schema) saying what is wrong with it.
 */
function parseOne(text: string): FaultSpec {
  const m = SPEC_RE.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a fault: write <store>:<kind>@<at>[+<for>][=<latency>], e.g. redis:kill@10s or redis:pause@10s+500ms`);
  const [, store, kind, at, dur, value] = m as unknown as [string, string, string, string, string | undefined, string | undefined];
  if (!(STORES as readonly string[]).includes(store)) throw new Error(`"${text}": unknown store "${store}" (stores: ${STORES.join(', ')})`);
  if (!(FAULT_KINDS as readonly string[]).includes(kind)) throw new Error(`"${text}": unknown fault "${kind}" (faults: ${FAULT_KINDS.join(', ')})`);
  const atS = parseTime(at, 'start', true);
  const forS = dur === undefined ? undefined : parseTime(dur, 'length', false);
  const k = kind as FaultKind;
  if ((k === 'pause' || k === 'delay') && forS === undefined) throw new Error(`"${text}": a ${k} needs a length, e.g. ${store}:${k}@${at}+2s${k === 'delay' ? '=20ms' : ''}`);
  if ((k === 'kill' || k === 'restart') && forS !== undefined) throw new Error(`"${text}": a ${k} has no length (follow a kill with ${store}:restart@<time>)`);
  if (k !== 'delay' && value !== undefined) throw new Error(`"${text}": only a delay takes =<latency>`);
  let delayMs: number | undefined;
  if (k === 'delay') {
    if (value === undefined) throw new Error(`"${text}": a delay needs the added latency, e.g. ${store}:delay@${at}+${dur}=20ms`);
    delayMs = parseTime(value, 'latency', false) * 1000;
    if (delayMs > 60_000) throw new Error(`"${text}": an added latency of more than 60 s is not a delay but an outage (use pause)`);
  }
  return { spec: text.trim(), store: store as StoreName, kind: k, atS, ...(forS !== undefined ? { forS } : {}), ...(delayMs !== undefined ? { delayMs } : {}) };
}

/** One SPEC as text, validated into a FaultSpec (zod; the message says what is wrong). */
export const FaultSpecSchema = z.string({ error: 'a fault is text such as redis:kill@10s' }).transform((v, ctx): FaultSpec => {
  try {
    return parseOne(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

/** A list of SPECs (repeatable --fault; a scenario file's `faults:` list). */
export const FaultListSchema = z.array(FaultSpecSchema);

/**
 * Parse a SPEC outside a settings layer (tests, docs).
 * @throws UsageError with one line saying what is wrong.
 */
export function parseFaultSpec(text: string): FaultSpec {
  const r = FaultSpecSchema.safeParse(text);
  if (r.success) return r.data;
  throw new UsageError(`Bad --fault: ${r.error.issues[0]!.message}.`);
}

/**
 * Check a whole plan against the run: every fault starts before the run ends, a fault's
 * length ends before it, faults on one store do not overlap, and a restart after a kill
 * is what brings a killed store back.
 * @param runS the run phase length, s.
 * @throws UsageError naming the fault and what to change.
 */
export function checkFaultPlan(faults: readonly FaultSpec[], runS: number): FaultSpec[] {
  const sorted = [...faults].sort((a, b) => a.atS - b.atS);
  for (const f of sorted) {
    if (f.atS >= runS) throw new UsageError(`Fault ${f.spec} starts at ${f.atS} s, after the run (${runS} s) ended.`, { hint: 'Start it earlier or lengthen the run.' });
    if (f.forS !== undefined && f.atS + f.forS > runS) throw new UsageError(`Fault ${f.spec} lasts until ${f.atS + f.forS} s, after the run (${runS} s) ended.`, { hint: 'Shorten it or lengthen the run.' });
  }
  for (const store of STORES) {
    const mine = sorted.filter((f) => f.store === store);
    for (let i = 1; i < mine.length; i++) {
      const prev = mine[i - 1]!;
      const cur = mine[i]!;
      if (prev.forS !== undefined && prev.atS + prev.forS > cur.atS) {
        throw new UsageError(`Faults ${prev.spec} and ${cur.spec} overlap on ${store}.`, { hint: 'Let one end before the next starts.' });
      }
    }
  }
  return sorted;
}
