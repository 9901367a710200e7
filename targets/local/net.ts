/**
 * TCP ports: is one open, who listens on it, wait until a server answers.
 * Ownership is read from Linux /proc (listening socket inode -> process); where that is not
 * possible the owner is reported as unknown rather than guessed.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import net from 'node:net';
import { ProvisionError } from '../../core/errors.js';
import { isProcessAlive, isSameOrDescendant, processCommandLine, sleep, tailFile } from './process.js';

/** True when a TCP connection to host:port succeeds within timeoutMs (default 1000 ms). Never throws. */
export function isPortOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean) => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Pids of the processes holding a listening TCP socket on `port` (any local address, IPv4 or
 * IPv6), from /proc/net/tcp{,6} and /proc/<pid>/fd. Returns [] when nothing listens and
 * undefined when the owner cannot be determined (not Linux, or sockets of other users not
 * visible because capbench is not root).
 */
export async function listeningPids(port: number): Promise<number[] | undefined> {
  const inodes = new Set<string>();
  let readAny = false;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
      readAny = true;
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const local = f[1];
      if (!local || f[3] !== '0A') continue; // 0A = LISTEN
      const hexPort = local.slice(local.lastIndexOf(':') + 1);
      if (parseInt(hexPort, 16) === port && f[9] && f[9] !== '0') inodes.add(f[9]);
    }
  }
  if (!readAny) return undefined;
  if (inodes.size === 0) return [];
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = await readdir(`/proc/${entry}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      try {
        const target = await readlink(`/proc/${entry}/fd/${fd}`);
        const m = /^socket:\[(\d+)\]$/.exec(target);
        if (m && inodes.has(m[1]!)) {
          pids.push(Number(entry));
          break;
        }
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return pids.length > 0 ? pids : undefined;
}

/**
 * Who holds a port: `free` (nothing answers), `ours` (a listener is, or descends from, one of
 * `ownPids`), `foreign` (someone else; pids/command when known).
 */
export type PortOwnership =
  | { state: 'free' }
  | { state: 'ours'; pid: number }
  | { state: 'foreign'; pids: number[]; command?: string };

/**
 * Classify host:port against the pids capbench started (pid files). A listener whose pid
 * cannot be read (not root) counts as `ours` when one of `ownPids` is alive, else `foreign`.
 */
export async function checkPort(host: string, port: number, ownPids: readonly number[]): Promise<PortOwnership> {
  const live = ownPids.filter((p) => p > 0 && isProcessAlive(p));
  const holders = await listeningPids(port);
  if (holders === undefined) {
    if (!(await isPortOpen(host, port))) return { state: 'free' };
    return live[0] !== undefined ? { state: 'ours', pid: live[0] } : { state: 'foreign', pids: [] };
  }
  if (holders.length === 0) {
    // nothing listens locally; a remote or NATed answer would still be someone else's
    return (await isPortOpen(host, port)) ? { state: 'foreign', pids: [] } : { state: 'free' };
  }
  for (const h of holders) {
    const own = live.find((o) => isSameOrDescendant(h, o));
    if (own !== undefined) return { state: 'ours', pid: own };
  }
  return { state: 'foreign', pids: holders, command: processCommandLine(holders[0]!) };
}

/** One-line description of a foreign port holder: "pid 123 (redis-server *:6379)" or "another process". */
export function describeHolder(o: Extract<PortOwnership, { state: 'foreign' }>): string {
  if (o.pids.length === 0) return 'another process';
  const cmd = o.command ? ` (${o.command.length > 80 ? `${o.command.slice(0, 77)}...` : o.command})` : '';
  return `pid ${o.pids.join(', ')}${cmd}`;
}

/**
 * Make sure capbench may start `store` on host:port: returns the ownership when the port is
 * free or already held by one of `ownPids`.
 * @throws ProvisionError "<store>: port <port> on <host> is already taken by <holder>." with a
 *   hint to stop that process or point capbench at it with CAPBENCH_<STORE>_URL.
 */
export async function assertPortAvailable(
  store: string,
  host: string,
  port: number,
  ownPids: readonly number[],
  hint?: string,
): Promise<Exclude<PortOwnership, { state: 'foreign' }>> {
  const o = await checkPort(host, port, ownPids);
  if (o.state !== 'foreign') return o;
  throw new ProvisionError(store, `port ${port} on ${host} is already taken by ${describeHolder(o)}`, {
    hint:
      hint ??
      `Stop that process, or use it as an external server by setting CAPBENCH_${store.toUpperCase()}_URL to its address.`,
  });
}

/** Options of waitFor(). */
export interface WaitOptions {
  /** Store or tool, for the error message. */
  store: string;
  /** Give up after this many ms. */
  timeoutMs: number;
  /** Delay between attempts, ms (default 250). */
  intervalMs?: number;
  /** Server log, named in the error and whose last lines are appended to it. */
  logPath?: string;
  /** Pid of the server being waited for: if it exits, fail at once instead of waiting out the timeout. */
  pid?: number;
}

/**
 * Poll `check` until it returns a value other than undefined/false, and return that value.
 * Exceptions thrown by `check` count as "not yet" (the last one is kept as the cause).
 * @param what what is awaited, for the error ("answer on 127.0.0.1:6379").
 * @throws ProvisionError "<store>: <process exited | did not <what> within N s> ... Log: <path>"
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, opts: WaitOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastErr = err;
    }
    if (opts.pid !== undefined && !isProcessAlive(opts.pid)) {
      const tail = opts.logPath ? lastMeaningfulLine(await tailFile(opts.logPath, 30)) : '';
      throw new ProvisionError(opts.store, `the server exited before it could ${what}${tail ? ` (log says: ${tail})` : ''}`, {
        logPath: opts.logPath,
        cause: lastErr,
      });
    }
    if (Date.now() >= deadline) {
      throw new ProvisionError(opts.store, `did not ${what} within ${Math.round(opts.timeoutMs / 1000)} s`, {
        logPath: opts.logPath,
        cause: lastErr,
        hint: 'Look at the log, or give it longer with --timeout <s>.',
      });
    }
    await sleep(Math.min(opts.intervalMs ?? 250, Math.max(0, deadline - Date.now())));
  }
}

/** Wait until host:port accepts TCP connections (see waitFor() for options and errors). */
export async function waitForPort(host: string, port: number, opts: WaitOptions): Promise<void> {
  await waitFor(`accept connections on ${host}:${port}`, () => isPortOpen(host, port, 1000), opts);
}

function lastMeaningfulLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const pick = [...lines].reverse().find((l) => /error|fatal|fail|denied|cannot|could not|already/i.test(l)) ?? lines[lines.length - 1] ?? '';
  return pick.length > 200 ? `${pick.slice(0, 197)}...` : pick;
}

/** "host:port" of a connection, IPv6 hosts bracketed, never credentials (e.g. "127.0.0.1:6379"). */
export function addressOf(conn: { host: string; port: number }): string {
  return `${conn.host.includes(':') ? `[${conn.host}]` : conn.host}:${conn.port}`;
}

/** True for loopback hosts: localhost, 127.0.0.0/8, ::1. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Short reason for a network-level connection failure, for TargetUnreachableError:
 * "connection refused", "no answer within 5 s", "host not found", else the error's first line.
 */
export function describeNetworkError(err: unknown, timeoutMs?: number): string {
  const e = err as NodeJS.ErrnoException & { errors?: unknown[] };
  // AggregateError from happy-eyeballs: use the first inner error
  const inner = (Array.isArray(e?.errors) && e.errors.length > 0 ? e.errors[0] : e) as NodeJS.ErrnoException;
  const code = inner?.code ?? e?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (nothing listens there)';
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
      return timeoutMs ? `no answer within ${Math.round(timeoutMs / 100) / 10} s` : 'connection timed out';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'connection reset by the server';
    default: {
      const msg = inner instanceof Error ? inner.message : e instanceof Error ? e.message : String(err);
      return (msg.split('\n')[0] ?? '').replace(/[.\s]+$/, '') || 'unknown error';
    }
  }
}
