/**
 * Fetching artifacts from Maven Central with the ordinary client, `mvn`, by coordinates only
 * (never by URL): one artifact (maven-dependency-plugin `copy`) or the runtime dependencies of a
 * generated pom (`copy-dependencies`). The local repository lives in the capbench cache
 * (`<cacheDir>/m2`) so that a CI cache of that one directory covers it; the user's
 * ~/.m2/settings.xml (mirrors, proxies) is honoured as mvn always does.
 */
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ProvisionError } from '../../core/errors.js';
import type { ServiceContext } from '../../core/target.js';
import { ensureDebianPackages } from './apt.js';
import { findExecutable, runCommand } from './exec.js';

/** The maven-dependency-plugin release capbench runs (pinned: the plugin Maven 3.8 defaults to is 2.8). */
export const MAVEN_DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.6.1';

/** The local Maven repository inside the capbench cache. */
export function mavenRepo(ctx: Pick<ServiceContext, 'cacheDir'>): string {
  return path.join(ctx.cacheDir, 'm2');
}

/**
 * Absolute path of `mvn`, installing the Debian package `maven` when it is missing.
 * @throws ProvisionError from ensureDebianPackages() (not root, no apt-get, apt-get failed).
 */
export async function requireMaven(store: string, ctx: ServiceContext): Promise<string> {
  const found = await findExecutable('mvn');
  if (found) return found;
  ctx.log(`${store}: mvn not found; installing the Debian package maven`);
  await ensureDebianPackages(store, ['maven'], ctx);
  const again = await findExecutable('mvn');
  if (!again) throw new ProvisionError(store, 'mvn is still not on PATH after installing maven', { hint: 'Install Apache Maven 3 and put mvn on PATH.' });
  return again;
}

/** Options shared by the fetch functions. */
export interface MavenFetchOptions {
  /** File that receives mvn's full output (appended); named in errors. */
  logPath: string;
  /** Kill mvn after this many ms (default 20 min). */
  timeoutMs?: number;
}

async function runMaven(store: string, what: string, args: string[], ctx: ServiceContext, opts: MavenFetchOptions, cwd?: string): Promise<void> {
  const mvn = await requireMaven(store, ctx);
  await mkdir(path.dirname(opts.logPath), { recursive: true });
  const full = ['-B', '-ntp', '-Dstyle.color=never', `-Dmaven.repo.local=${mavenRepo(ctx)}`, ...args];
  await appendFile(opts.logPath, `\n$ mvn ${full.join(' ')}\n`);
  const res = await runCommand(mvn, full, { cwd, timeoutMs: opts.timeoutMs ?? 20 * 60_000 });
  await appendFile(opts.logPath, res.stdout + res.stderr);
  if (res.code === 0) return;
  throw mavenError(store, what, res.stdout + res.stderr, res.timedOut, opts.logPath);
}

/**
 * One-line error for a failed mvn run: "not found on Maven Central", "Maven Central cannot be
 * reached", or mvn's first [ERROR] line.
 */
export function mavenError(store: string, what: string, output: string, timedOut: boolean, logPath: string): ProvisionError {
  const errors = output.split('\n').filter((l) => l.includes('[ERROR]')).map((l) => l.replace(/^.*?\[ERROR\]\s*/, '').trim()).filter(Boolean);
  const text = errors.join(' ');
  if (timedOut) {
    return new ProvisionError(store, `downloading ${what} from Maven Central timed out`, { logPath, hint: 'Check the network connection, then run the command again (finished downloads are kept).' });
  }
  if (/Could not find artifact|was not found in/i.test(text) && !/transfer|resolve host|connect/i.test(text)) {
    return new ProvisionError(store, `${what} is not on Maven Central (or the configured mirror)`, { logPath, hint: 'Check the pinned version in targets/, or the mirror in ~/.m2/settings.xml.' });
  }
  if (/Unknown host|UnknownHost|Could not transfer|Connect(ion)? (refused|timed out)|No route to host|Network is unreachable|PKIX|resolve host|Temporary failure/i.test(text)) {
    return new ProvisionError(store, `cannot download ${what}: Maven Central cannot be reached`, {
      logPath,
      hint: 'Check the network connection or the proxy/mirror in ~/.m2/settings.xml; a machine that has run capbench once keeps the download in its cache.',
    });
  }
  const first = errors[0] ?? 'mvn failed';
  return new ProvisionError(store, `cannot download ${what}: ${first.length > 200 ? `${first.slice(0, 197)}...` : first}`, { logPath });
}

/**
 * Copy one artifact (`group:artifact:version[:packaging[:classifier]]`) from Maven Central
 * into `outDir` (created) and return the copied file's path.
 * @throws ProvisionError naming `store` and the coordinates (not found / unreachable / other), with the log path.
 */
export async function mavenCopyArtifact(store: string, coords: string, outDir: string, ctx: ServiceContext, opts: MavenFetchOptions): Promise<string> {
  const parts = coords.split(':');
  if (parts.length < 3) throw new ProvisionError(store, `bad Maven coordinates "${coords}"`);
  const [, artifactId, version, packaging = 'jar', classifier] = parts;
  await mkdir(outDir, { recursive: true });
  await runMaven(store, coords, [`${MAVEN_DEPENDENCY_PLUGIN}:copy`, `-Dartifact=${coords}`, `-DoutputDirectory=${outDir}`, '-Dmdep.overWriteReleases=true'], ctx, opts);
  return path.join(outDir, `${artifactId}-${version}${classifier ? `-${classifier}` : ''}.${packaging}`);
}

/** One dependency of a generated pom. */
export interface MavenDependency {
  groupId: string;
  artifactId: string;
  version: string;
}

/** A minimal pom.xml whose only content is `deps` (pure; exported for tests). */
export function dependenciesPom(deps: readonly MavenDependency[]): string {
  const esc = (s: string) => s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] ?? c);
  const lines = deps.map(
    (d) => `    <dependency><groupId>${esc(d.groupId)}</groupId><artifactId>${esc(d.artifactId)}</artifactId><version>${esc(d.version)}</version></dependency>`,
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!-- Generated by capbench (targets/local/maven.ts): the runtime class path of a local server. -->',
    '<project xmlns="http://maven.apache.org/POM/4.0.0">',
    '  <modelVersion>4.0.0</modelVersion>',
    '  <groupId>capbench.local</groupId>',
    '  <artifactId>runtime</artifactId>',
    '  <version>1</version>',
    '  <packaging>pom</packaging>',
    '  <dependencies>',
    ...lines,
    '  </dependencies>',
    '</project>',
    '',
  ].join('\n');
}

/**
 * Copy `deps` and their runtime dependencies (transitively) from Maven Central into `outDir`
 * (created), as jar files named artifactId-version[-classifier].jar.
 * @throws ProvisionError as mavenCopyArtifact().
 */
export async function mavenCopyDependencies(store: string, deps: readonly MavenDependency[], outDir: string, ctx: ServiceContext, opts: MavenFetchOptions): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const work = await mkdtemp(path.join(path.dirname(outDir), '.pom-'));
  try {
    await writeFile(path.join(work, 'pom.xml'), dependenciesPom(deps));
    const what = deps.map((d) => `${d.groupId}:${d.artifactId}:${d.version}`).join(', ');
    await runMaven(store, what, [`${MAVEN_DEPENDENCY_PLUGIN}:copy-dependencies`, '-DincludeScope=runtime', `-DoutputDirectory=${outDir}`], ctx, opts, work);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
