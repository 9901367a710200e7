/**
 * Install-once directories in the download/build cache: a directory counts as installed only
 * when its marker file exists, and it is built in a temporary sibling and renamed into place,
 * so that an interrupted download or build never leaves something that looks installed.
 * Concurrent installs of the same directory are serialised, within one process and (with a
 * lock file `<dir>.lock`, see lock.ts) across processes.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { withFileLock } from './lock.js';

/** Name of the marker file written last into a finished install directory. */
export const INSTALLED_MARKER = '.capbench-installed';

/** True when `dir` holds a finished install (its marker file exists). */
export function isInstalled(dir: string): boolean {
  return existsSync(path.join(dir, INSTALLED_MARKER));
}

/** What the marker of `dir` says (free text written by installOnce()), undefined when not installed. */
export async function installedNote(dir: string): Promise<string | undefined> {
  try {
    return (await readFile(path.join(dir, INSTALLED_MARKER), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

const inflight = new Map<string, Promise<boolean>>();

/**
 * Make sure `dir` is installed: when its marker is missing, run `build(tmpDir)` on a fresh
 * temporary sibling directory, write the marker (`note`), and rename it to `dir` (replacing a
 * half-finished one). Returns true when it built, false when `dir` was already installed.
 * Errors from `build` propagate; the temporary directory is removed.
 */
export function installOnce(dir: string, note: string, build: (tmpDir: string) => Promise<void>): Promise<boolean> {
  const abs = path.resolve(dir);
  const running = inflight.get(abs);
  if (running) return running.then(() => false);
  const job = (async () => {
    if (isInstalled(abs)) return false;
    await mkdir(path.dirname(abs), { recursive: true });
    return withFileLock('capbench', `${abs}.lock`, () => buildLocked(abs, note, build), 60 * 60_000);
  })();
  inflight.set(abs, job);
  return job.finally(() => inflight.delete(abs));
}

async function buildLocked(abs: string, note: string, build: (tmpDir: string) => Promise<void>): Promise<boolean> {
  if (isInstalled(abs)) return false; // another process finished it while we waited
  const tmp = `${abs}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    await build(tmp);
    await writeFile(path.join(tmp, INSTALLED_MARKER), `${note}\n`);
    await rm(abs, { recursive: true, force: true });
    await rename(tmp, abs);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
  return true;
}
