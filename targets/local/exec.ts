/**
 * Running short-lived commands (package managers, initdb, psql, ...) and finding binaries.
 * Commands are spawned without a shell: arguments are never interpreted.
 */
import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { ProvisionError } from '../../core/errors.js';

/** Outcome of a finished command. `code` is the exit status, or -1 when killed by a signal or the timeout. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** True when the command was killed because it exceeded `timeoutMs`. */
  timedOut: boolean;
}

/** Options of runCommand(). */
export interface RunOptions {
  cwd?: string;
  /** Full environment of the child (default: this process's environment). */
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, then stdin is closed (use it for SQL and secrets: not visible in `ps`). */
  input?: string;
  /** Kill the command (SIGKILL) after this many ms; default no limit. */
  timeoutMs?: number;
}

/**
 * Run `command args...` to completion and capture its output (UTF-8).
 * Never throws for a non-zero exit: inspect `code`.
 * @throws ProvisionError (store "capbench") when the command cannot be started at all (e.g. not installed).
 */
export function runCommand(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      reject(
        new ProvisionError('capbench', `cannot run ${command}: ${err.code === 'ENOENT' ? 'command not found' : err.message}`, {
          cause: err,
        }),
      );
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, timedOut });
    });
    child.stdin.on('error', () => undefined); // child may exit before reading stdin
    child.stdin.end(opts.input ?? '');
  });
}

/**
 * Run a command that must succeed, for provisioning `store`.
 * @param what a few words for the error ("initdb", "create role capbench").
 * @throws ProvisionError "<store>: <what> failed (exit N): <last stderr line>" on failure or timeout.
 */
export async function runChecked(
  store: string,
  what: string,
  command: string,
  args: readonly string[],
  opts: RunOptions & { logPath?: string } = {},
): Promise<RunResult> {
  let res: RunResult;
  try {
    res = await runCommand(command, args, opts);
  } catch (err) {
    throw new ProvisionError(store, `${what} failed: cannot run ${command}`, { cause: err, logPath: opts.logPath });
  }
  if (res.code !== 0) {
    const detail = lastLine(res.stderr) || lastLine(res.stdout);
    const how = res.timedOut ? `timed out after ${Math.round((opts.timeoutMs ?? 0) / 1000)} s` : `exit ${res.code}`;
    throw new ProvisionError(store, `${what} failed (${how})${detail ? `: ${detail}` : ''}`, { logPath: opts.logPath });
  }
  return res;
}

/** Last non-empty line of a text, trimmed ('' if none). */
export function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

/**
 * Absolute path of an executable found on PATH (plus /usr/sbin and /sbin, which non-login
 * shells sometimes miss), or of `name` itself when it is already a path; undefined if none.
 */
export async function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (name.includes('/')) return (await isExecutable(name)) ? path.resolve(name) : undefined;
  const dirs = [...(env.PATH ?? '').split(path.delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'].filter(Boolean);
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
