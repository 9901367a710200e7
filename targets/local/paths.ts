/**
 * Where capbench keeps its local servers' state (data directories, logs, pid files) and
 * its download/build cache, and the ServiceContext built from them.
 *
 * - state dir: `<repo>/.capbench` unless CAPBENCH_STATE_DIR is set (resolved to an absolute path);
 * - cache dir: `$XDG_CACHE_HOME/capbench` or `~/.cache/capbench` unless CAPBENCH_CACHE_DIR is set.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { chmod, mkdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceContext } from '../../core/target.js';

/**
 * The repository root: the nearest ancestor of this file holding the project's package.json
 * (name "capbench"). Works from the sources (targets/local/) and from the build (dist/targets/local/).
 * Falls back to the current working directory when no such package.json is found.
 */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const name = (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name;
        if (name === 'capbench') return dir;
      } catch {
        // unreadable package.json: keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/**
 * Project-owned state directory (absolute path): env CAPBENCH_STATE_DIR, else `<repo>/.capbench`
 * — unless the checkout sits below a directory other users cannot enter (e.g. under /root,
 * mode 700): PostgreSQL and Elasticsearch run as their own users and must reach their data, so
 * then it is `/var/tmp/capbench-<hash of the repo path>`. Not created here; see ensureDir().
 */
export function resolveStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CAPBENCH_STATE_DIR?.trim();
  if (fromEnv) return path.resolve(fromEnv);
  const root = repoRoot();
  if (othersCanReach(root)) return path.join(root, '.capbench');
  return path.join('/var/tmp', `capbench-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`);
}

/** True when every directory from / down to `dir` lets other users through (o+x). */
function othersCanReach(dir: string): boolean {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    try {
      if ((statSync(d).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    if (d === path.dirname(d)) return true;
  }
}

/**
 * Download/build cache kept between runs (absolute path): env CAPBENCH_CACHE_DIR, else
 * `$XDG_CACHE_HOME/capbench`, else `~/.cache/capbench`. Not created here.
 */
export function resolveCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CAPBENCH_CACHE_DIR?.trim();
  if (fromEnv) return path.resolve(fromEnv);
  const xdg = env.XDG_CACHE_HOME?.trim();
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'capbench');
  return path.join(os.homedir(), '.cache', 'capbench');
}

/** Options of createServiceContext(); every field has a default. */
export interface ServiceContextOptions {
  /** Default: resolveStateDir(). */
  stateDir?: string;
  /** Default: resolveCacheDir(). */
  cacheDir?: string;
  /** Progress lines; default writes `capbench: <line>` to stderr. */
  log?: (line: string) => void;
  /** Health-check wait per server, ms; default 180 000 (3 min: Cassandra and Elasticsearch are slow). */
  startTimeoutMs?: number;
}

/** Build the ServiceContext every LocalService receives (directories are not created here). */
export function createServiceContext(opts: ServiceContextOptions = {}): ServiceContext {
  return {
    stateDir: path.resolve(opts.stateDir ?? resolveStateDir()),
    cacheDir: path.resolve(opts.cacheDir ?? resolveCacheDir()),
    log: opts.log ?? ((line: string) => process.stderr.write(`capbench: ${line}\n`)),
    startTimeoutMs: opts.startTimeoutMs ?? 180_000,
  };
}

/** Where one local service keeps its files; all paths absolute, under `<stateDir>/<name>/`. */
export interface ServiceLayout {
  /** `<stateDir>/<name>` */
  dir: string;
  /** `<stateDir>/<name>/data`: the server's data directory. */
  dataDir: string;
  /** `<stateDir>/<name>/<name>.log`: the server's stdout and stderr. */
  logPath: string;
  /** `<stateDir>/<name>/<name>.pid`: pid of the process capbench started (written by spawnDetached). */
  pidPath: string;
}

/** The standard file layout of a local service named `name` (e.g. "redis", "k6"). Pure; creates nothing. */
export function serviceLayout(ctx: Pick<ServiceContext, 'stateDir'>, name: string): ServiceLayout {
  const dir = path.join(ctx.stateDir, name);
  return {
    dir,
    dataDir: path.join(dir, 'data'),
    logPath: path.join(dir, `${name}.log`),
    pidPath: path.join(dir, `${name}.pid`),
  };
}

/**
 * mkdir -p that ignores the umask: a directory this call creates gets exactly `mode` (default
 * 0o755) and the parents it had to create get 0o755 (so that server users can traverse them).
 * An existing directory keeps its mode unless `exact` (PostgreSQL insists on 0700 for its data
 * directory). Only call it on capbench's own directories. Returns the absolute path.
 */
export async function ensureDir(dir: string, mode = 0o755, exact = false): Promise<string> {
  const abs = path.resolve(dir);
  const firstCreated = await mkdir(abs, { recursive: true, mode });
  if (firstCreated) {
    for (let d = path.dirname(abs); d.length >= firstCreated.length && d !== path.dirname(d); d = path.dirname(d)) {
      await chmod(d, 0o755);
    }
  }
  if (firstCreated || exact) {
    const current = (await stat(abs)).mode & 0o7777;
    if (current !== mode) await chmod(abs, mode);
  }
  return abs;
}

/** Environment variable that shifts every local server's port (a private set of servers beside the shared ones). */
export const PORT_OFFSET_ENV = 'CAPBENCH_PORT_OFFSET';

/**
 * The port offset of local servers: env CAPBENCH_PORT_OFFSET (a whole number 0..20000), default 0.
 * With CAPBENCH_STATE_DIR it gives a private set of servers (`capbench services up` starts them
 * on default port + offset, `capbench run` connects there by default) that faults may pause,
 * kill and restart without touching anyone else's servers (docs/faults.md).
 * @throws Error (a UsageError from callers that check settings first) for a value out of range.
 */
export function portOffset(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[PORT_OFFSET_ENV]?.trim();
  if (!raw) return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 20000) throw new Error(`${PORT_OFFSET_ENV} "${raw}" is not a whole number from 0 to 20000`);
  return n;
}

/** `url` with its port shifted by `offset` (default port `defaultPort` when the URL names none). Pure. */
export function shiftUrlPort(url: string, defaultPort: number, offset: number): string {
  if (offset === 0) return url;
  const u = new URL(url);
  u.port = String((u.port ? Number(u.port) : defaultPort) + offset);
  return u.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
}
