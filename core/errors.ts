/**
 * Errors and exit codes shared by every layer. Zero dependencies: everything else
 * depends down on this file (changesets' habit, ../shared/STYLE.md).
 *
 * One top-level handler (cli/main.ts) turns a CapbenchError into one line on stderr,
 * "Cannot <command>. <message> <hint>", and its exitCode; no stack trace.
 */

/** Process exit codes (issue 2: 0 completed, 1 thresholds failed, 2 bad input or unreachable target). */
export const EXIT = {
  OK: 0,
  THRESHOLDS_FAILED: 1,
  BAD_INPUT: 2,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Options common to every capbench error. */
export interface CapbenchErrorOptions {
  /** What the user should do next, one sentence ("Start it with `capbench services up redis`."). */
  hint?: string;
  /** The underlying error, kept for --verbose and for logs; never printed by default. */
  cause?: unknown;
  /** Exit code the CLI uses; defaults to EXIT.BAD_INPUT (2). */
  exitCode?: ExitCode;
}

/**
 * Base error: a message that is safe to print as one line, an optional hint, a cause.
 * Raise it (or a subclass) for anything the user can fix; anything else is a bug.
 */
export class CapbenchError extends Error {
  readonly hint?: string;
  readonly exitCode: ExitCode;
  constructor(message: string, opts: CapbenchErrorOptions = {}) {
    super(message, { cause: opts.cause });
    this.name = new.target.name;
    this.hint = opts.hint;
    this.exitCode = opts.exitCode ?? EXIT.BAD_INPUT;
  }
  /** The one line the CLI prints: message, then hint. */
  oneLine(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

/** Bad option, bad scenario file, bad URL: exit 2. */
export class UsageError extends CapbenchError {}

/**
 * A bad argument handed to a storage path (reference-impl): an invalid id, range, page size,
 * schema name or option. One type for every path, so callers and tests catch one thing; it is
 * a UsageError (exit 2) because every such value comes from an option or a scenario file.
 * `path` names the storage path id (e.g. "follows.pg"), or "reference-impl" for shared helpers.
 */
export class InvalidArgumentError extends UsageError {
  readonly path: string;
  constructor(path: string, message: string, opts: CapbenchErrorOptions = {}) {
    super(`${path}: ${message}`, opts);
    this.path = path;
  }
}

/**
 * A datastore that does not answer at its address. The message names the store and the
 * address (credentials already redacted by the caller via redactUrl()).
 */
export class TargetUnreachableError extends CapbenchError {
  readonly store: string;
  readonly address: string;
  constructor(store: string, address: string, reason: string, opts: CapbenchErrorOptions = {}) {
    super(`${store} at ${address} is unreachable: ${reason}.`, {
      hint: opts.hint ?? `Start it with \`capbench services up ${store}\` or point capbench at a running server with --${store}-url.`,
      cause: opts.cause,
      exitCode: opts.exitCode,
    });
    this.store = store;
    this.address = address;
  }
}

/** Installing or starting a local server failed (package missing, port taken, timeout). */
export class ProvisionError extends CapbenchError {
  readonly store: string;
  readonly logPath?: string;
  constructor(store: string, message: string, opts: CapbenchErrorOptions & { logPath?: string } = {}) {
    const log = opts.logPath ? ` Log: ${opts.logPath}` : '';
    super(`${store}: ${message}.${log}`, opts);
    this.store = store;
    this.logPath = opts.logPath;
  }
}

/** Describe any thrown value in one line without a stack trace. */
export function describeError(err: unknown): string {
  if (err instanceof CapbenchError) return err.oneLine();
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.name;
  return String(err);
}

/** Replace the password in a connection URL by "***" so that it never reaches logs or reports. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
  }
}
