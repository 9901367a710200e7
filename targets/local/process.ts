/**
 * Detached server processes: start one with its log file and pid file so that it outlives the
 * CLI, find out whether it still runs, stop it.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { ensureDir } from './paths.js';
import path from 'node:path';
import { ProvisionError } from '../../core/errors.js';
import { asUser, userEnv, type SystemUser } from './user.js';

/** Options of spawnDetached(). */
export interface SpawnDetachedOptions {
  /** Store or tool name, for error messages ("redis"). */
  store: string;
  /** Executable (absolute path preferred) and its arguments; no shell is involved. */
  command: string;
  args: readonly string[];
  /** File that receives the server's stdout and stderr (appended; created, parent dirs too). */
  logPath: string;
  /** File that receives the server's pid (decimal, one line); parent dirs created. */
  pidPath: string;
  /** Working directory of the server (default "/"; make sure `user` can enter it). */
  cwd?: string;
  /** Extra environment on top of this process's (or the user's, see userEnv()). */
  env?: NodeJS.ProcessEnv;
  /** Run the server as this account (root only; see asUser()). */
  user?: SystemUser;
}

/**
 * Start a server in its own session (detached, stdin closed, output appended to logPath),
 * write its pid (line 1) and executable (line 2) to pidPath, and return the pid. The server outlives this process.
 * When `user` is given, the pid is the server's own (setpriv exec()s).
 * @throws ProvisionError when the executable cannot be started.
 */
export async function spawnDetached(opts: SpawnDetachedOptions): Promise<number> {
  await ensureDir(path.dirname(opts.logPath));
  await ensureDir(path.dirname(opts.pidPath));
  const { command, args } = opts.user ? await asUser(opts.user, opts.command, opts.args) : { command: opts.command, args: [...opts.args] };
  const env = opts.user ? userEnv(opts.user, opts.env) : { ...process.env, ...opts.env };
  const fd = openSync(opts.logPath, 'a', 0o640);
  try {
    const child = spawn(command, args, { cwd: opts.cwd ?? '/', env, detached: true, stdio: ['ignore', fd, fd] });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new ProvisionError(opts.store, `cannot start ${path.basename(opts.command)}: ${err.code === 'ENOENT' ? 'not installed' : err.message}`, {
            cause: err,
            logPath: opts.logPath,
          }),
        ),
      );
      child.once('spawn', () => resolve(child.pid ?? -1));
    });
    child.unref();
    // line 1: pid (what every reader uses); line 2: the executable, to recognise pid reuse later
    await writeFile(opts.pidPath, `${pid}\n${opts.command}\n`, { mode: 0o644 });
    return pid;
  } finally {
    closeSync(fd);
  }
}

/** The pid recorded in a pid file (first line), or undefined when the file is missing or unreadable. */
export async function readPidFile(pidPath: string): Promise<number | undefined> {
  try {
    const first = (await readFile(pidPath, 'utf8')).split('\n')[0]?.trim() ?? '';
    const pid = Number(first);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The pid of a pid file when that process is alive and still runs the executable recorded on
 * the file's second line (guards against pid reuse after a reboot); undefined otherwise.
 * Files without a second line (written by someone else) only need the pid to be alive.
 */
export async function readLivePid(pidPath: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(pidPath, 'utf8');
  } catch {
    return undefined;
  }
  const [first, second] = text.split('\n').map((l) => l.trim());
  const pid = Number(first);
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return undefined;
  if (second) {
    const cmd = processCommandLine(pid);
    if (cmd !== undefined && !cmd.includes(path.basename(second))) return undefined;
  }
  return pid;
}

/** Remove a pid file; ignores a missing file. */
export async function removePidFile(pidPath: string): Promise<void> {
  await rm(pidPath, { force: true });
}

/** True when a process with this pid exists and is not a zombie (signal 0; EPERM counts as alive). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return processState(pid) !== 'Z';
}

/** One-letter state of a process from /proc/<pid>/stat ("R", "S", "Z", ...), undefined if unknown. */
function processState(pid: number): string | undefined {
  // synchronous read keeps isProcessAlive() synchronous; /proc reads do not block
  const stat = readProcSync(`/proc/${pid}/stat`);
  return stat?.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) || undefined;
}

function readProcSync(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Parent pid of a process (from /proc), undefined if unknown. */
export function parentPid(pid: number): number | undefined {
  const stat = readProcSync(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(fields[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

/** Command line of a process (arguments joined by spaces), undefined if unknown. */
export function processCommandLine(pid: number): string | undefined {
  const raw = readProcSync(`/proc/${pid}/cmdline`);
  return raw ? raw.split('\0').filter(Boolean).join(' ').replace(/\s+/g, ' ').trim() : undefined;
}

/** True when `pid` is `ancestor` or one of its descendants (walks /proc parent links). */
export function isSameOrDescendant(pid: number, ancestor: number): boolean {
  let cur: number | undefined = pid;
  for (let i = 0; cur && cur > 1 && i < 64; i++) {
    if (cur === ancestor) return true;
    cur = parentPid(cur);
  }
  return false;
}

/** What stopProcess() did. */
export type StopOutcome = 'not-running' | 'stopped' | 'killed';

/**
 * Stop a process: send `signal` (default SIGTERM), wait up to timeoutMs (default 30 s) for it to
 * exit, then SIGKILL it and wait 5 s more.
 * @throws ProvisionError when it is still alive after SIGKILL.
 */
export async function stopProcess(
  store: string,
  pid: number,
  opts: { signal?: NodeJS.Signals; timeoutMs?: number } = {},
): Promise<StopOutcome> {
  if (!isProcessAlive(pid)) return 'not-running';
  try {
    process.kill(pid, opts.signal ?? 'SIGTERM');
  } catch {
    return 'not-running';
  }
  if (await waitForExit(pid, opts.timeoutMs ?? 30_000)) return 'stopped';
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'stopped';
  }
  if (await waitForExit(pid, 5_000)) return 'killed';
  throw new ProvisionError(store, `process ${pid} did not exit after SIGKILL`);
}

/** Wait until `pid` is gone; resolves true if it exited within timeoutMs. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await sleep(100);
  }
  return !isProcessAlive(pid);
}

/** The last `lines` lines of a (log) file, '' if it cannot be read. Reads at most the last 64 KiB. */
export async function tailFile(file: string, lines = 20): Promise<string> {
  try {
    const buf = await readFile(file);
    const text = buf.subarray(Math.max(0, buf.length - 65_536)).toString('utf8');
    return text.split('\n').filter((l) => l.trim()).slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Promise-based delay, ms. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
