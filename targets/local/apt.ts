/**
 * Installing Debian packages that a local server needs (redis-server, postgresql, a JRE, ...).
 * `apt-get update` runs at most once per process and only when a package is missing;
 * installs are serialised (dpkg holds a lock) and non-interactive, and do not start the
 * packages' own system services (policy-rc.d). Output goes to `<stateDir>/apt.log`, never to
 * the terminal.
 */
import { existsSync } from 'node:fs';
import { appendFile, rm, writeFile } from 'node:fs/promises';
import { ensureDir } from './paths.js';
import path from 'node:path';
import { ProvisionError } from '../../core/errors.js';
import type { ServiceContext } from '../../core/target.js';
import { findExecutable, lastLine, runCommand } from './exec.js';
import { withFileLock } from './lock.js';
import { isRoot } from './user.js';

/** True when dpkg reports the package as installed ("install ok installed"); false when dpkg is absent. */
export async function isDebianPackageInstalled(pkg: string): Promise<boolean> {
  try {
    const res = await runCommand('dpkg-query', ['-W', '-f=${Status}', pkg]);
    return res.code === 0 && res.stdout.trim() === 'install ok installed';
  } catch {
    return false;
  }
}

let updated: Promise<void> | undefined;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Install whichever of `packages` are missing, for `store`. Returns the packages it installed
 * ([] when all were present: no apt-get call at all).
 * @throws ProvisionError when a package is missing and capbench is not root, apt-get is absent,
 *   or apt-get fails (the message names the packages; the log is `<stateDir>/apt.log`).
 */
export function ensureDebianPackages(store: string, packages: readonly string[], ctx: ServiceContext): Promise<string[]> {
  const job = queue.then(() => withFileLock(store, path.join(ctx.stateDir, 'apt.lock'), () => installMissing(store, packages, ctx)));
  queue = job.catch(() => undefined);
  return job;
}

async function installMissing(store: string, packages: readonly string[], ctx: ServiceContext): Promise<string[]> {
  const missing: string[] = [];
  for (const p of packages) if (!(await isDebianPackageInstalled(p))) missing.push(p);
  if (missing.length === 0) return [];
  const list = missing.join(' ');
  const logPath = path.join(ctx.stateDir, 'apt.log');
  if (!(await findExecutable('apt-get'))) {
    throw new ProvisionError(store, `needs the Debian package(s) ${list}, and apt-get is not available`, {
      hint: `Install ${list} with your system's package manager, or point capbench at a running server with CAPBENCH_${store.toUpperCase()}_URL.`,
    });
  }
  if (!isRoot()) {
    throw new ProvisionError(store, `needs the Debian package(s) ${list}, and installing them needs root`, {
      hint: `Run \`sudo apt-get install -y ${list}\`, then try again.`,
    });
  }
  await ensureDir(ctx.stateDir);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a' };
  const logRun = async (args: string[]) => {
    const res = await runCommand('apt-get', args, { env, timeoutMs: 15 * 60_000 });
    await appendFile(logPath, `$ apt-get ${args.join(' ')}\n${res.stdout}${res.stderr}\n`);
    return res;
  };
  if (!updated) {
    ctx.log(`${store}: apt-get update`);
    updated = logRun(['update', '-q']).then((res) => {
      if (res.code !== 0) {
        updated = undefined;
        throw new ProvisionError(store, `apt-get update failed: ${lastLine(res.stderr) || `exit ${res.code}`}`, { logPath });
      }
    });
  }
  await updated;
  ctx.log(`${store}: installing ${list} (apt-get)`);
  // Debian starts a package's system service on install (redis-server on 6379, a "main"
  // PostgreSQL cluster on 5432), which would take the ports capbench's own servers need.
  // A policy-rc.d that exits 101 is Debian's documented way to forbid that; it is written
  // only when none exists, and removed afterwards.
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) await writeFile(policy, '#!/bin/sh\n# written by capbench for the duration of apt-get install\nexit 101\n', { mode: 0o755 });
  let res;
  try {
    res = await logRun(['install', '-y', '-q', '--no-install-recommends', '-o', 'Dpkg::Options::=--force-confold', ...missing]);
  } finally {
    if (ownPolicy) await rm(policy, { force: true });
  }
  if (res.code !== 0) {
    throw new ProvisionError(store, `apt-get install ${list} failed: ${lastLine(res.stderr) || `exit ${res.code}`}`, { logPath });
  }
  return missing;
}
