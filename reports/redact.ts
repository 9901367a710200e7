/**
 * A last safety net so that passwords never reach a report (DESIGN.md, "Reliability and
 * security"): the engine is expected to hand over addresses without credentials already;
 * every report format still passes the result through redactResult() before rendering.
 */
import type { RunResult } from '../core/results.js';

const SECRET_KEY = /pass(word|wd)?$|secret|token|api[-_]?key|credential|private[-_]?key/i;
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]*@/gi;

/** Replace "scheme://user:password@" by "scheme://user:***@" anywhere in a string. */
export function redactText(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1:***@');
}

/**
 * Deep copy of a JSON-like value with URL credentials redacted in every string; when
 * `secretKeys` is set, values under keys that look secret become "***" as well.
 */
function redactValue(value: unknown, key: string | undefined, secretKeys: boolean, depth: number): unknown {
  if (secretKeys && key !== undefined && SECRET_KEY.test(key) && value !== null && value !== undefined && value !== '') return '***';
  if (typeof value === 'string') return redactText(value);
  if (depth > 40 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, undefined, secretKeys, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, k, secretKeys, depth + 1);
  return out;
}

/**
 * A copy of `result` with credentials removed: option values whose key looks secret
 * (password, secret, token, apiKey, credentials) become "***", and "user:password@" in any
 * URL-like string of the options, target addresses, notes, reasons, claims and abort
 * reason becomes "user:***@". Numbers are untouched. Does not mutate its input.
 */
export function redactResult(result: RunResult): RunResult {
  const r = redactValue(result, undefined, false, 0) as RunResult;
  // Secret-looking keys only in the free-form options: elsewhere keys are schema fields or
  // error kinds ("InvalidTokenError") whose values are numbers, not secrets.
  r.scenario.options = redactValue(result.scenario.options, undefined, true, 0) as RunResult['scenario']['options'];
  return r;
}

/**
 * A deep copy of any JSON-like report (the claims report, ...) with "user:password@" in every
 * URL-like string replaced by "user:***@". Does not mutate its input.
 */
export function redactJson<T>(value: T): T {
  return redactValue(value, undefined, false, 0) as T;
}

/**
 * A copy of a scenario's options with secret-looking keys' values as "***" and URL
 * credentials redacted (what redactResult() does to `scenario.options`), for other report kinds.
 */
export function redactOptions(options: Record<string, unknown>): Record<string, unknown> {
  return redactValue(options, undefined, true, 0) as Record<string, unknown>;
}
