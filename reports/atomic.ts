/**
 * Writing report files so that a reader never sees half a file: write to a temporary
 * sibling, then rename over the target (atomic on one filesystem).
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { prepareOutDir } from '../core/out-dir.js';

/**
 * Write `text` (UTF-8) to `path`, creating its directory if needed (core/out-dir.ts: never
 * a recursive mkdir, which can spin forever on Node 20).
 * @throws UsageError when the directory cannot be created; the fs error (EACCES, ENOSPC, …) after removing the temporary file.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  await prepareOutDir(dir, 'output directory');
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
