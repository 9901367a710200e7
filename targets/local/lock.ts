/**
 * A cross-process lock file, so that two capbench processes (say, two test files run in
 * parallel) never start or stop the same server at the same time. The lock is a file created
 * exclusively, holding the owner's pid; a lock whose owner is dead is taken over.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { ensureDir } from './paths.js';
import path from 'node:path';
import { ProvisionError } from '../../core/errors.js';
import { isProcessAlive, sleep } from './process.js';

/**
 * Run `fn` while holding the lock file `lockPath` (parent dirs created). Waits for another
 * holder up to timeoutMs (default 10 min), polling every 100 ms.
 * @throws ProvisionError (store `store`) when the lock stays held by a live process past the timeout.
 */
export async function withFileLock<T>(store: string, lockPath: string, fn: () => Promise<T>, timeoutMs = 600_000): Promise<T> {
  await ensureDir(path.dirname(lockPath));
  const deadline = Date.now() + timeoutMs;
  const token = `${process.pid} ${Math.random().toString(36).slice(2)}\n`;
  for (;;) {
    try {
      const fh = await open(lockPath, 'wx', 0o644);
      await fh.writeFile(token);
      await fh.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder: number | undefined;
    try {
      holder = Number((await readFile(lockPath, 'utf8')).split(/\s/)[0]) || undefined;
    } catch {
      continue; // released meanwhile
    }
    if (holder === undefined || !isProcessAlive(holder)) {
      // stale (holder died, or the file is being written: give a writer a moment first)
      await sleep(50);
      const again = await readFile(lockPath, 'utf8').catch(() => '');
      if (again.split(/\s/)[0] === String(holder ?? '') && (holder === undefined ? again === '' : !isProcessAlive(holder))) {
        await rm(lockPath, { force: true });
      }
      continue;
    }
    if (Date.now() >= deadline) {
      throw new ProvisionError(store, `another capbench process (pid ${holder}) is still starting or stopping it`, {
        hint: `Wait for it, or remove ${lockPath} if that process is gone.`,
      });
    }
    await sleep(100);
  }
  try {
    return await fn();
  } finally {
    // remove only our own lock
    const now = await readFile(lockPath, 'utf8').catch(() => '');
    if (now === token) await rm(lockPath, { force: true });
  }
}
