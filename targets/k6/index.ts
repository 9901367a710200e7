/**
 * k6, the load generator that runs the scripts capbench exports (scenarios/*), built from its
 * Go module go.k6.io/k6 (pinned) into `<cacheDir>/bin/k6@<version>/k6`. It is a tool, not a
 * store: it has nothing to start or stop; its status says whether it is built and which
 * version `k6 version` reports.
 */
import path from 'node:path';
import type { LocalService, ServiceContext, ServiceStatus } from '../../core/target.js';
import { runCommand } from '../local/exec.js';
import { buildGoProgram, goBinPath, isGoProgramBuilt, type GoProgram } from '../local/gobuild.js';
import { serviceLayout } from '../local/paths.js';

/** k6's Go module. */
export const K6_MODULE = 'go.k6.io/k6';
/** The pinned k6 release. */
export const K6_VERSION = 'v1.8.1';

/** How k6 is built: the module's root package, static, with Go 1.25 or newer (its go.mod says go 1.25.0). */
export const K6_PROGRAM: GoProgram = {
  store: 'k6',
  name: 'k6',
  module: K6_MODULE,
  version: K6_VERSION,
  pkg: '.',
  minGo: '1.25',
};

/**
 * Environment for every k6 run capbench starts: no usage report is sent home (loads stay on
 * loopback, nothing else leaves the machine). Merge it over process.env.
 */
export const K6_ENV: Readonly<Record<string, string>> = { K6_NO_USAGE_REPORT: 'true' };

/** Path of the k6 binary capbench builds (it may not exist yet). */
export function k6Binary(ctx: Pick<ServiceContext, 'cacheDir'>): string {
  return goBinPath(ctx, K6_PROGRAM);
}

/** True when k6 has been built into the cache. */
export function isK6Installed(ctx: Pick<ServiceContext, 'cacheDir'>): boolean {
  return isGoProgramBuilt(ctx, K6_PROGRAM);
}

/**
 * Build k6 unless it is built already (a few minutes the first time, nothing afterwards);
 * returns the binary's path. Build output goes to `<stateDir>/k6/install.log`.
 * @throws ProvisionError when Go is missing or older than 1.25, the module cannot be
 *   downloaded, or the build fails.
 */
export async function installK6(ctx: ServiceContext): Promise<string> {
  return buildGoProgram(K6_PROGRAM, ctx, path.join(serviceLayout(ctx, 'k6').dir, 'install.log'));
}

/** Parse `k6 version` output ("k6 v1.8.1 (go1.26.8, linux/amd64)") into the version without "v" ("1.8.1"). */
export function parseK6Version(output: string): string | undefined {
  return /\bk6 v?(\d+\.\d+\.\d+[^\s(]*)/.exec(output)?.[1];
}

/**
 * Status of k6: `installed` with the version `k6 version` reports (address = binary path),
 * `not-installed`, or `failed` when the binary does not run.
 */
export async function k6Status(ctx: ServiceContext): Promise<ServiceStatus> {
  const bin = k6Binary(ctx);
  const base = { store: 'k6' as const, address: bin, provisioner: 'local' as const, logPath: path.join(serviceLayout(ctx, 'k6').dir, 'install.log') };
  if (!isK6Installed(ctx)) {
    return { ...base, product: 'k6', state: 'not-installed', message: `not installed (capbench builds ${K6_MODULE}@${K6_VERSION})` };
  }
  try {
    const res = await runCommand(bin, ['version'], { timeoutMs: 30_000, env: { ...process.env, ...K6_ENV } });
    const version = parseK6Version(res.stdout + res.stderr);
    if (res.code !== 0 || !version) {
      return { ...base, product: 'k6', state: 'failed', message: `\`k6 version\` failed (exit ${res.code}); rebuild by deleting ${path.dirname(bin)}` };
    }
    return { ...base, product: `k6 ${version}`, version, state: 'installed', message: (res.stdout.trim().split('\n')[0] ?? '').trim() };
  } catch {
    return { ...base, product: 'k6', state: 'failed', message: `cannot run ${bin}` };
  }
}

/**
 * k6 as a LocalService, so that `capbench services` handles it like the stores: install builds
 * it, status reports its version, start and stop have nothing to do (a tool runs per scenario).
 */
export const k6Local: LocalService = {
  async install(ctx) {
    await installK6(ctx);
  },
  async start(ctx) {
    const st = await k6Status(ctx);
    return st.state === 'installed' ? { ...st, message: `${st.message ?? ''}; a tool, nothing to start`.replace(/^; /, '') } : st;
  },
  async stop(ctx) {
    const st = await k6Status(ctx);
    return st.state === 'installed' ? { ...st, message: 'a tool, nothing to stop' } : st;
  },
  status: k6Status,
};

export default k6Local;
