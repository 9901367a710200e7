/**
 * k6-sql: k6 (go.k6.io/k6, pinned as targets/k6/index.ts pins it) extended with
 * grafana/xk6-sql v1.0.0 and a PostgreSQL driver module, for `capbench export k6 <scenario>
 * --via sql` (the PostgreSQL paths driven straight from k6, no service). Built the way xk6
 * builds an extended k6: a main module (targets/k6/xk6-sql/: go.mod and go.sum pin every
 * version) importing k6's command and the extensions, compiled into
 * `<cacheDir>/bin/k6-sql@<version>/k6`. Two substitutions, both because the Go module proxy
 * refuses the modules (checked 2026-11-29: `go list -m -versions` and `go mod download` answer
 * 403 "This module version is not available"): go.k6.io/xk6 (the builder) — capbench writes
 * the main module itself; github.com/grafana/xk6-sql-driver-postgres@v0.1.0 — its few lines
 * (register github.com/lib/pq as "postgres") are targets/k6/xk6-sql/pgdriver/. The JavaScript
 * modules are the same: `k6/x/sql` and `k6/x/sql/driver/postgres`.
 */
import { appendFile, cp, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProvisionError } from '../../core/errors.js';
import type { LocalService, ServiceContext, ServiceStatus } from '../../core/target.js';
import { isInstalled, installOnce } from '../local/cache.js';
import { lastLine, runCommand } from '../local/exec.js';
import { requireGo } from '../local/gobuild.js';
import { serviceLayout } from '../local/paths.js';
import { K6_ENV, K6_VERSION, parseK6Version } from './index.js';

/** The xk6-sql release built in (github.com/grafana/xk6-sql, Apache-2.0). */
export const XK6_SQL_VERSION = 'v1.0.0';
/** The PostgreSQL database/sql driver the driver module registers (github.com/lib/pq, MIT). */
export const PQ_VERSION = 'v1.12.3';
/** Version label of the build: k6's and the extension's. */
export const K6_SQL_VERSION = `${K6_VERSION}+xk6-sql-${XK6_SQL_VERSION}`;

/** The main module's source in this repository (targets/k6/xk6-sql/). */
export function k6SqlSourceDir(): string {
  // dist/targets/k6/sql.js -> <repo>/targets/k6/xk6-sql
  return path.join(fileURLToPath(new URL('../../../', import.meta.url)), 'targets', 'k6', 'xk6-sql');
}

/** Directory of the built binary: `<cacheDir>/bin/k6-sql@<version>`. */
export function k6SqlDir(ctx: Pick<ServiceContext, 'cacheDir'>): string {
  return path.join(ctx.cacheDir, 'bin', `k6-sql@${K6_SQL_VERSION}`);
}

/** Path of the k6-sql binary (it may not exist yet). */
export function k6SqlBinary(ctx: Pick<ServiceContext, 'cacheDir'>): string {
  return path.join(k6SqlDir(ctx), 'k6');
}

/** True when k6-sql has been built into the cache. */
export function isK6SqlInstalled(ctx: Pick<ServiceContext, 'cacheDir'>): boolean {
  return isInstalled(k6SqlDir(ctx));
}

/**
 * Build k6-sql unless it is built already (a minute or a few the first time: the modules come
 * from the Go module proxy; nothing afterwards). Output goes to `<stateDir>/k6-sql/install.log`.
 * @returns the binary's path.
 * @throws ProvisionError when Go is missing or older than 1.25, a module cannot be downloaded, or the build fails.
 */
export async function installK6Sql(ctx: ServiceContext): Promise<string> {
  const bin = k6SqlBinary(ctx);
  if (isK6SqlInstalled(ctx)) return bin;
  const logPath = path.join(serviceLayout(ctx, 'k6-sql').dir, 'install.log');
  const { go, release } = await requireGo('k6-sql', `k6 ${K6_SQL_VERSION}`, '1.25');
  const goRoot = path.join(ctx.cacheDir, 'go');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GOMODCACHE: path.join(goRoot, 'mod'),
    GOCACHE: path.join(goRoot, 'build'),
    GOPATH: path.join(goRoot, 'path'),
    GOFLAGS: '-modcacherw -buildvcs=false -mod=readonly',
    GOTOOLCHAIN: 'local',
    CGO_ENABLED: '0',
  };
  await mkdir(path.dirname(logPath), { recursive: true });
  ctx.log(`k6-sql: building k6 ${K6_VERSION} with xk6-sql ${XK6_SQL_VERSION} and the PostgreSQL driver, Go ${release} (first time only; a few minutes)`);
  await installOnce(k6SqlDir(ctx), `k6 ${K6_SQL_VERSION} (lib/pq ${PQ_VERSION}) built with go${release}`, async (tmp) => {
    const src = path.join(ctx.cacheDir, 'build', `k6-sql@${K6_SQL_VERSION}`);
    await rm(src, { recursive: true, force: true });
    await mkdir(path.dirname(src), { recursive: true });
    await cp(k6SqlSourceDir(), src, { recursive: true });
    const args = ['build', '-trimpath', '-ldflags=-s -w', '-o', path.join(tmp, 'k6'), '.'];
    await appendFile(logPath, `\n$ go ${args.join(' ')}   (in ${src})\n`);
    const b = await runCommand(go, args, { env, cwd: src, timeoutMs: 45 * 60_000 });
    await appendFile(logPath, b.stdout + b.stderr);
    await rm(src, { recursive: true, force: true });
    if (b.code !== 0) {
      const why = b.timedOut ? 'timed out' : lastLine(b.stderr) || `exit ${b.code}`;
      throw new ProvisionError('k6-sql', `building k6 ${K6_SQL_VERSION} failed: ${why}`, { logPath });
    }
  });
  return bin;
}

/** Status of k6-sql: `installed` with the version `k6 version` reports and the sql extension it lists, or `not-installed` / `failed`. */
export async function k6SqlStatus(ctx: ServiceContext): Promise<ServiceStatus> {
  const bin = k6SqlBinary(ctx);
  const base = { store: 'k6-sql' as const, address: bin, provisioner: 'local' as const, logPath: path.join(serviceLayout(ctx, 'k6-sql').dir, 'install.log') };
  if (!isK6SqlInstalled(ctx)) return { ...base, product: 'k6-sql', state: 'not-installed', message: `not installed (capbench builds k6 ${K6_SQL_VERSION})` };
  try {
    const res = await runCommand(bin, ['version'], { timeoutMs: 30_000, env: { ...process.env, ...K6_ENV } });
    const version = parseK6Version(res.stdout + res.stderr);
    if (res.code !== 0 || !version || !/xk6-sql/.test(res.stdout + res.stderr)) {
      return { ...base, product: 'k6-sql', state: 'failed', message: `\`k6 version\` failed or lists no xk6-sql (exit ${res.code}); rebuild by deleting ${path.dirname(bin)}` };
    }
    return { ...base, product: `k6 ${version} + xk6-sql ${XK6_SQL_VERSION.replace(/^v/, '')}`, version, state: 'installed', message: (res.stdout.trim().split('\n')[0] ?? '').trim() };
  } catch {
    return { ...base, product: 'k6-sql', state: 'failed', message: `cannot run ${bin}` };
  }
}

/** k6-sql as a LocalService (`capbench services up k6-sql` builds it; a tool: nothing to start or stop). */
export const k6SqlLocal: LocalService = {
  async install(ctx) {
    await installK6Sql(ctx);
  },
  async start(ctx) {
    const st = await k6SqlStatus(ctx);
    return st.state === 'installed' ? { ...st, message: `${st.message ?? ''}; a tool, nothing to start`.replace(/^; /, '') } : st;
  },
  async stop(ctx) {
    const st = await k6SqlStatus(ctx);
    return st.state === 'installed' ? { ...st, message: 'a tool, nothing to stop' } : st;
  },
  status: k6SqlStatus,
};
