/**
 * Unpacking downloaded archives (.zip with `unzip`, .tar.gz with `tar`), keeping file modes
 * (the programs' bin/ scripts must stay executable).
 */
import { mkdir } from 'node:fs/promises';
import { ProvisionError } from '../../core/errors.js';
import type { ServiceContext } from '../../core/target.js';
import { ensureDebianPackages } from './apt.js';
import { findExecutable, lastLine, runCommand } from './exec.js';

/**
 * Unpack `archive` (.zip, .tar.gz or .tgz) into `destDir` (created). Installs the Debian
 * package unzip when a zip must be unpacked and unzip is missing.
 * @throws ProvisionError naming `store` and the archive when unpacking fails.
 */
export async function extractArchive(store: string, archive: string, destDir: string, ctx: ServiceContext): Promise<void> {
  await mkdir(destDir, { recursive: true });
  let res;
  if (archive.endsWith('.zip')) {
    let unzip = await findExecutable('unzip');
    if (!unzip) {
      ctx.log(`${store}: unzip not found; installing the Debian package unzip`);
      await ensureDebianPackages(store, ['unzip'], ctx);
      unzip = await findExecutable('unzip');
    }
    if (!unzip) throw new ProvisionError(store, 'cannot unpack a .zip: unzip is not installed', { hint: 'Install unzip, then try again.' });
    res = await runCommand(unzip, ['-q', '-o', archive, '-d', destDir], { timeoutMs: 10 * 60_000 });
  } else if (/\.(tar\.gz|tgz)$/.test(archive)) {
    res = await runCommand('tar', ['-xzf', archive, '-C', destDir], { timeoutMs: 10 * 60_000 });
  } else {
    throw new ProvisionError(store, `do not know how to unpack ${archive}`);
  }
  if (res.code !== 0) {
    throw new ProvisionError(store, `cannot unpack ${archive}: ${lastLine(res.stderr) || `exit ${res.code}`}`, {
      hint: 'The download may be damaged: delete it from the capbench cache and try again.',
    });
  }
}
