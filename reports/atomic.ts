/**
 * Writing report files so that a reader never sees half a file: write to a temporary
 * sibling, then rename over the target (atomic on one filesystem).
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Write `text` (UTF-8) to `path`, creating its directory if needed.
 * @throws the fs error (EACCES, ENOSPC, …) after removing the temporary file.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
