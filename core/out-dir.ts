/**
 * The output directory, checked before any work starts (issue 13, "Every input"): it must be
 * creatable and writable. Node 20's `mkdir(dir, { recursive: true })` never settles for some
 * paths (e.g. under /proc: it retries forever at full CPU in the thread pool, and the process
 * cannot exit), so capbench never calls it on a user's path: this module walks up to the
 * nearest existing ancestor, checks it is a writable directory, and creates the missing
 * levels one at a time (non-recursive mkdir, which always settles).
 */
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';

/**
 * Check that `dir` can be used as an output directory without creating anything: either an
 * existing writable directory, or a path whose nearest existing ancestor is a writable directory.
 * @param flag how the user named it, for the error line (e.g. "--out").
 * @returns the absolute path and the levels that would have to be created (outermost first).
 * @throws UsageError (exit 2) naming the path and what is wrong with it (a file in the way, no
 *   write permission, a virtual filesystem that refuses new directories).
 */
export async function checkOutDir(dir: string, flag = '--out'): Promise<{ path: string; missing: string[] }> {
  if (dir.trim() === '') throw new UsageError(`Bad ${flag} "": give a directory.`);
  if (dir.includes('\0')) throw new UsageError(`Bad ${flag}: the path contains a NUL character.`);
  const abs = resolve(dir);
  const missing: string[] = [];
  let cur = abs;
  for (;;) {
    let st;
    try {
      st = await stat(cur);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        const parent = dirname(cur);
        if (parent === cur) throw new UsageError(`Cannot create ${flag} ${abs}: no existing ancestor directory.`);
        missing.unshift(cur);
        cur = parent;
        continue;
      }
      if (code === 'ENOTDIR') throw new UsageError(`Cannot create ${flag} ${abs}: a part of the path is a file, not a directory.`, { hint: 'Choose another --out.' });
      if (code === 'EACCES') throw new UsageError(`Cannot create ${flag} ${abs}: permission denied on ${cur}.`, { hint: 'Choose a directory you can write to.' });
      throw new UsageError(`Cannot use ${flag} ${abs}: ${code ?? String(err)} on ${cur}.`, { hint: 'Choose another --out.' });
    }
    if (!st.isDirectory()) throw new UsageError(`Cannot use ${flag} ${abs}: ${cur} is a file, not a directory.`, { hint: 'Choose another --out.' });
    try {
      await access(cur, constants.W_OK | constants.X_OK);
    } catch {
      throw new UsageError(`Cannot ${missing.length ? 'create' : 'write to'} ${flag} ${abs}: ${cur} is not writable.`, { hint: 'Choose a directory you can write to.' });
    }
    // Permission bits do not tell everything (root passes access() on /proc, a read-only mount):
    // make and remove a probe directory there, which leaves nothing behind.
    let probe: string | undefined;
    try {
      probe = await mkdtemp(join(cur, '.capbench-probe-'));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UsageError(`Cannot ${missing.length ? 'create' : 'write to'} ${flag} ${abs}: ${cur} does not take new entries (${code ?? String(err)}).`, { hint: 'Choose a directory on a writable filesystem.' });
    } finally {
      if (probe) await rmdir(probe).catch(() => undefined);
    }
    return { path: abs, missing };
  }
}

/**
 * Check (checkOutDir) and create the output directory, one level at a time.
 * @returns the absolute path.
 * @throws UsageError as checkOutDir, or when the filesystem refuses a new directory
 *   (e.g. /proc, a read-only mount), naming the level that failed.
 */
export async function prepareOutDir(dir: string, flag = '--out'): Promise<string> {
  const { path, missing } = await checkOutDir(dir, flag);
  for (const level of missing) {
    try {
      await mkdir(level);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue; // made by someone else meanwhile
      throw new UsageError(`Cannot create ${flag} ${path}: ${code ?? String(err)} creating ${level}.`, { hint: 'Choose a directory on a writable filesystem.' });
    }
  }
  return path;
}
