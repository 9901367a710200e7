/**
 * Building a Go program from its module (FerretDB, k6) into a project-owned bin directory in
 * the capbench cache, with the ordinary client `go`:
 *
 *   go mod download -json <module>@<version>      (module source, by name and version)
 *   go build -o <cacheDir>/bin/<name>@<version>/<name> <package>   (inside that module)
 *
 * Building inside the downloaded module (rather than `go install <pkg>@<version>`) uses the
 * module's own go.mod/go.sum and needs no version listing from the module proxy.
 * GOMODCACHE and GOCACHE live in `<cacheDir>/go`, so the second build on the same machine
 * compiles nothing and the CI cache of the capbench cache directory covers them.
 */
import { appendFile, cp, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { ProvisionError } from '../../core/errors.js';
import type { ServiceContext } from '../../core/target.js';
import { isInstalled, installOnce } from './cache.js';
import { findExecutable, lastLine, runCommand } from './exec.js';

/** What to build. */
export interface GoProgram {
  /** Store or tool, for messages ("mongodb", "k6"). */
  store: string;
  /** Binary name ("ferretdb", "k6"). */
  name: string;
  /** Module path ("github.com/FerretDB/FerretDB"). */
  module: string;
  /** Module version, pinned ("v1.24.0"). */
  version: string;
  /** Package to build, relative to the module root ("./cmd/ferretdb", "."). */
  pkg: string;
  /** Minimum Go release the module needs ("1.22"); checked before building. */
  minGo: string;
  /** CGO_ENABLED (default false: static binaries). */
  cgo?: boolean;
  /** Build tags. */
  tags?: readonly string[];
  /**
   * Called with a writable copy of the module source before building (e.g. to write generated
   * version files). When given, the build runs in that copy instead of the module cache.
   */
  prepare?: (srcDir: string) => Promise<void>;
}

/** Directory of the built binary: `<cacheDir>/bin/<name>@<version>`. */
export function goBinDir(ctx: Pick<ServiceContext, 'cacheDir'>, p: Pick<GoProgram, 'name' | 'version'>): string {
  return path.join(ctx.cacheDir, 'bin', `${p.name}@${p.version}`);
}

/** Path of the built binary: `<cacheDir>/bin/<name>@<version>/<name>`. */
export function goBinPath(ctx: Pick<ServiceContext, 'cacheDir'>, p: Pick<GoProgram, 'name' | 'version'>): string {
  return path.join(goBinDir(ctx, p), p.name);
}

/** True when the binary of `p` has been built (and its install finished). */
export function isGoProgramBuilt(ctx: Pick<ServiceContext, 'cacheDir'>, p: Pick<GoProgram, 'name' | 'version'>): boolean {
  return isInstalled(goBinDir(ctx, p));
}

function versionAtLeast(have: string, want: string): boolean {
  const a = have.split('.').map(Number);
  const b = want.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/**
 * The `go` command capbench uses (CAPBENCH_GO, else PATH, else /usr/local/go/bin/go) and its
 * release ("1.26.8").
 * @throws ProvisionError when there is none, or it is older than `minGo`.
 */
export async function requireGo(store: string, what: string, minGo: string): Promise<{ go: string; release: string }> {
  const go = (process.env.CAPBENCH_GO && (await findExecutable(process.env.CAPBENCH_GO))) || (await findExecutable('go')) || (await findExecutable('/usr/local/go/bin/go'));
  const hint = `Install Go ${minGo} or newer and put it on PATH (or set CAPBENCH_GO to its go binary).`;
  if (!go) throw new ProvisionError(store, `building ${what} needs Go ${minGo} or newer, and no go command was found`, { hint });
  const res = await runCommand(go, ['env', 'GOVERSION'], { timeoutMs: 30_000 });
  const release = /go(\d+(?:\.\d+)*)/.exec(res.stdout)?.[1] ?? '0';
  if (!versionAtLeast(release, minGo)) {
    throw new ProvisionError(store, `building ${what} needs Go ${minGo} or newer; ${go} is Go ${release}`, { hint });
  }
  return { go, release };
}

/**
 * Build `p` into goBinPath() unless already built; returns the binary path. Output of the go
 * commands is appended to `logPath`.
 * @throws ProvisionError when Go is missing or too old, the module cannot be downloaded (the
 *   message says so and names the module proxy settings), or the build fails.
 */
export async function buildGoProgram(p: GoProgram, ctx: ServiceContext, logPath: string): Promise<string> {
  const bin = goBinPath(ctx, p);
  if (isGoProgramBuilt(ctx, p)) return bin;
  const what = `${p.name} ${p.version}`;
  const { go, release } = await requireGo(p.store, what, p.minGo);
  const goRoot = path.join(ctx.cacheDir, 'go');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GOMODCACHE: path.join(goRoot, 'mod'),
    GOCACHE: path.join(goRoot, 'build'),
    GOPATH: path.join(goRoot, 'path'),
    GOFLAGS: '-modcacherw -buildvcs=false',
    GOTOOLCHAIN: 'local',
    CGO_ENABLED: p.cgo ? '1' : '0',
  };
  await mkdir(path.dirname(logPath), { recursive: true });
  const run = async (args: string[], cwd: string | undefined, timeoutMs: number) => {
    await appendFile(logPath, `\n$ go ${args.join(' ')}${cwd ? `   (in ${cwd})` : ''}\n`);
    const res = await runCommand(go, args, { env, cwd, timeoutMs });
    await appendFile(logPath, res.stdout + res.stderr);
    return res;
  };
  ctx.log(`${p.store}: building ${what} from its Go module with Go ${release} (first time only; a few minutes)`);
  await installOnce(goBinDir(ctx, p), `${p.module}@${p.version} built with go${release}`, async (tmp) => {
    await mkdir(goRoot, { recursive: true });
    const dl = await run(['mod', 'download', '-json', `${p.module}@${p.version}`], undefined, 15 * 60_000);
    let dir: string | undefined;
    try {
      const info = JSON.parse(dl.stdout) as { Dir?: string; Error?: string };
      if (info.Error) throw new Error(info.Error);
      dir = info.Dir;
    } catch (err) {
      const raw = (err instanceof Error && err.message) || lastLine(dl.stderr) || `exit ${dl.code}`;
      const reason = raw.split(`${p.module}@${p.version}: `).filter(Boolean).pop() ?? raw;
      throw new ProvisionError(p.store, `cannot download the Go module ${p.module}@${p.version}: ${reason.split('\n')[0]}`, {
        logPath,
        hint: 'Check the network connection and GOPROXY (`go env GOPROXY`); a machine that has built it once keeps it in the cache.',
      });
    }
    if (!dir) throw new ProvisionError(p.store, `go mod download did not report where ${p.module}@${p.version} is`, { logPath });
    let srcDir = dir;
    let copy: string | undefined;
    if (p.prepare) {
      copy = path.join(ctx.cacheDir, 'build', `${p.name}@${p.version}`);
      await rm(copy, { recursive: true, force: true });
      await mkdir(path.dirname(copy), { recursive: true });
      await cp(dir, copy, { recursive: true });
      await p.prepare(copy);
      srcDir = copy;
    }
    const args = ['build', '-trimpath', '-ldflags=-s -w', ...(p.tags?.length ? ['-tags', p.tags.join(',')] : []), '-o', path.join(tmp, p.name), p.pkg];
    const b = await run(args, srcDir, 45 * 60_000);
    if (copy) await rm(copy, { recursive: true, force: true });
    if (b.code !== 0) {
      const why = b.timedOut ? 'timed out' : lastLine(b.stderr) || `exit ${b.code}`;
      throw new ProvisionError(p.store, `building ${what} failed: ${why}`, { logPath });
    }
  });
  return bin;
}
