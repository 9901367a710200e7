/**
 * Creating a dedicated system account for a server that must not run as root (Elasticsearch),
 * idempotently, and giving it a copy of a program it could not otherwise read.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { ProvisionError } from '../../core/errors.js';
import { findExecutable, lastLine, runCommand } from './exec.js';
import { currentUser, isRoot, lookupUser, runAs, type SystemUser } from './user.js';

/**
 * The account `name`, created as a system user with its own group, no home directory and no
 * login shell when it does not exist yet (root only). When capbench does not run as root, the
 * current user is returned instead (a non-root server then runs as the user who runs capbench).
 * @throws ProvisionError when useradd is missing or fails.
 */
export async function ensureSystemUser(store: string, name: string, comment = `capbench ${store}`): Promise<SystemUser> {
  if (!isRoot()) return currentUser();
  const existing = await lookupUser(name);
  if (existing) return existing;
  const useradd = await findExecutable('useradd');
  if (!useradd) {
    throw new ProvisionError(store, `needs a system user '${name}', and useradd is not installed`, {
      hint: `Create the user yourself (e.g. \`adduser --system --group ${name}\`), then try again.`,
    });
  }
  const res = await runCommand(useradd, ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', '--comment', comment, name]);
  const created = await lookupUser(name);
  if (!created) {
    throw new ProvisionError(store, `cannot create the system user '${name}': ${lastLine(res.stderr) || `useradd exit ${res.code}`}`, {
      hint: `Create it yourself with \`useradd --system --user-group ${name}\`, then try again.`,
    });
  }
  return created;
}

/** True when `user` can read and enter `dir` (always true when not root). */
export async function canUserRead(user: SystemUser, dir: string): Promise<boolean> {
  if (!isRoot() || user.uid === 0) return true;
  return (await runAs(user, 'test', ['-r', dir, '-a', '-x', dir])).code === 0;
}

/**
 * Make a program directory readable by `user`: `src` itself when it can read it, else a copy at
 * `dest` made of hard links (`cp -al`, no extra disk; falls back to a real copy across file
 * systems). The copy is remade when `dest` lacks `marker` (a file that identifies the version).
 * Returns the directory to run from.
 * @throws ProvisionError when the copy fails.
 */
export async function readableCopy(store: string, user: SystemUser, src: string, dest: string, marker: string): Promise<string> {
  if (await canUserRead(user, src)) return src;
  if (existsSync(path.join(dest, marker))) return dest;
  await rm(dest, { recursive: true, force: true });
  await mkdir(path.dirname(dest), { recursive: true });
  let res = await runCommand('cp', ['-al', src, dest]);
  if (res.code !== 0) {
    await rm(dest, { recursive: true, force: true });
    res = await runCommand('cp', ['-a', src, dest]);
  }
  if (res.code !== 0) throw new ProvisionError(store, `cannot copy ${src} to ${dest}: ${lastLine(res.stderr)}`);
  return dest;
}
