/**
 * Running commands and servers as another (system) user, e.g. PostgreSQL as `postgres`, and
 * making sure that user can reach and own the directories it needs.
 *
 * When capbench runs as root, commands are wrapped with `setpriv` (which exec()s, so a
 * detached server keeps the pid we record) or, failing that, `runuser`. When capbench runs as
 * an ordinary user, servers run as that user: no wrapping, no chown.
 */
import { chown, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ProvisionError } from '../../core/errors.js';
import { findExecutable, runCommand, type RunOptions, type RunResult } from './exec.js';

/** A system account as /etc/passwd describes it. */
export interface SystemUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** True when this process runs as root (euid 0). */
export function isRoot(): boolean {
  return typeof process.geteuid === 'function' && process.geteuid() === 0;
}

/** The account this process runs as. */
export function currentUser(): SystemUser {
  const info = os.userInfo();
  return { name: info.username, uid: info.uid, gid: info.gid, home: info.homedir };
}

/** Look an account up in /etc/passwd (then `getent passwd`); undefined when it does not exist. */
export async function lookupUser(name: string): Promise<SystemUser | undefined> {
  const parse = (text: string): SystemUser | undefined => {
    for (const line of text.split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f.length >= 7) {
        return { name, uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '/' };
      }
    }
    return undefined;
  };
  try {
    const found = parse(await readFile('/etc/passwd', 'utf8'));
    if (found) return found;
  } catch {
    // no /etc/passwd: try getent
  }
  try {
    const res = await runCommand('getent', ['passwd', name]);
    return res.code === 0 ? parse(res.stdout) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The account a server for `store` should run as: `preferred` when capbench runs as root
 * (it must exist: the Debian package creates it), otherwise the current user.
 * @throws ProvisionError when running as root and `preferred` does not exist.
 */
export async function serverUser(store: string, preferred: string): Promise<SystemUser> {
  if (!isRoot()) return currentUser();
  const user = await lookupUser(preferred);
  if (!user) {
    throw new ProvisionError(store, `system user '${preferred}' does not exist`, {
      hint: `Install the Debian package that creates it, or create it with \`useradd --system ${preferred}\`.`,
    });
  }
  return user;
}

/**
 * Wrap `command args` so that it runs as `user`: unchanged when this process already runs as
 * that user (or is not root and so cannot switch), else `setpriv --reuid --regid --init-groups`
 * (exec, same pid) or `runuser -u`.
 * @throws ProvisionError when neither setpriv nor runuser is installed.
 */
export async function asUser(user: SystemUser, command: string, args: readonly string[]): Promise<{ command: string; args: string[] }> {
  if (!isRoot() || user.uid === 0 || user.uid === process.geteuid?.()) return { command, args: [...args] };
  const setpriv = await findExecutable('setpriv');
  if (setpriv) {
    return { command: setpriv, args: [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--', command, ...args] };
  }
  const runuser = await findExecutable('runuser');
  if (runuser) return { command: runuser, args: ['-u', user.name, '--', command, ...args] };
  throw new ProvisionError('capbench', `cannot run ${path.basename(command)} as ${user.name}: neither setpriv nor runuser is installed`, {
    hint: 'Install the Debian package util-linux.',
  });
}

/** Environment for a command run as `user`: this process's environment with HOME, USER and LOGNAME replaced. */
export function userEnv(user: SystemUser, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, HOME: user.home, USER: user.name, LOGNAME: user.name, ...extra };
}

/**
 * Run a command to completion as `user` (see asUser()), with that user's HOME/USER in the
 * environment and `cwd` defaulting to "/" (the user may not be able to enter ours).
 * Never throws for a non-zero exit. @throws ProvisionError when it cannot be started.
 */
export async function runAs(user: SystemUser, command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const wrapped = await asUser(user, command, args);
  return runCommand(wrapped.command, wrapped.args, { cwd: '/', ...opts, env: opts.env ?? userEnv(user) });
}

/**
 * Make `dir` (and everything under it when `recursive`) owned by `user`; a no-op when not root.
 * Only ever call it on directories capbench created (its state dir).
 */
export async function chownTo(dir: string, user: SystemUser, recursive = false): Promise<void> {
  if (!isRoot()) return;
  if (!recursive) {
    await chown(dir, user.uid, user.gid);
    return;
  }
  const res = await runCommand('chown', ['-R', `${user.uid}:${user.gid}`, dir]);
  if (res.code !== 0) throw new ProvisionError('capbench', `cannot chown ${dir} to ${user.name}: ${res.stderr.trim()}`);
}

/**
 * Check that `user` can reach `dir` (search permission on every ancestor). Does not change any
 * permission outside capbench's own directories.
 * @throws ProvisionError naming the first ancestor `user` cannot enter, with a hint to move
 *   the state dir (CAPBENCH_STATE_DIR) or to `chmod o+x` that directory.
 */
export async function assertReachable(store: string, dir: string, user: SystemUser): Promise<void> {
  if (!isRoot() || user.uid === 0) return;
  const ok = async (d: string) => (await runAs(user, 'test', ['-x', d])).code === 0;
  if (await ok(dir)) return;
  const parts = path.resolve(dir).split(path.sep).filter(Boolean);
  let cur: string = path.sep;
  for (const part of parts) {
    cur = path.join(cur, part);
    if (!(await ok(cur))) {
      let mode = '';
      try {
        mode = ` (mode ${((await stat(cur)).mode & 0o777).toString(8)})`;
      } catch {
        // does not exist yet: caller creates it
        return;
      }
      throw new ProvisionError(store, `user ${user.name} cannot enter ${cur}${mode}, so it cannot reach ${dir}`, {
        hint: `Run \`chmod o+x ${cur}\` or set CAPBENCH_STATE_DIR to a directory ${user.name} can reach (e.g. /var/tmp/capbench).`,
      });
    }
  }
}
