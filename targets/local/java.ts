/**
 * Finding a Java runtime of a version a server supports (Cassandra 5.0: 11 or 17;
 * Elasticsearch 8.19: 17 or newer), and installing the Debian one when none is present.
 *
 * Where it looks, in order: CAPBENCH_JAVA_HOME (if set, it is the only candidate: a wrong
 * version there is an error, not a reason to pick another), JAVA_HOME, every directory under
 * /usr/lib/jvm, and the `java` on PATH. The version is read from the runtime's `release` file
 * (JAVA_VERSION="17.0.15"), or from `java -version` when that file is missing.
 */
import { readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { ProvisionError } from '../../core/errors.js';
import type { ServiceContext } from '../../core/target.js';
import { ensureDebianPackages } from './apt.js';
import { findExecutable, runCommand } from './exec.js';

/** Environment variable that forces one Java home for every Java-based store. */
export const JAVA_HOME_ENV = 'CAPBENCH_JAVA_HOME';

/** One Java runtime found on the machine. */
export interface JavaRuntime {
  /** Absolute path of the Java home (the directory holding bin/java). */
  home: string;
  /** Absolute path of bin/java. */
  bin: string;
  /** Feature (major) version: 11, 17, 21, 25. */
  major: number;
  /** Full version string, e.g. "17.0.15". */
  version: string;
}

/** Which Java versions a store accepts. */
export interface JavaRequirement {
  /** Store name, for messages ("cassandra"). */
  store: string;
  /** Accepted major versions, in order of preference (first found wins), e.g. [17, 11]. */
  majors?: readonly number[];
  /** Alternatively a range: lowest accepted major (inclusive). */
  min?: number;
  /** Highest accepted major (inclusive). */
  max?: number;
  /** Debian package that provides a suitable runtime, installed when none is found (e.g. "openjdk-17-jre-headless"). */
  debianPackage?: string;
}

/** Parse a Java version string ("17.0.15", "1.8.0_392", "25", "21-ea") into its feature version. */
export function javaMajor(version: string): number | undefined {
  const m = /^(\d+)(?:\.(\d+))?/.exec(version.trim());
  if (!m) return undefined;
  const first = Number(m[1]);
  return first === 1 && m[2] !== undefined ? Number(m[2]) : first;
}

/** Read the Java runtime at `home` (its release file, else `bin/java -version`); undefined if there is none. */
export async function inspectJavaHome(home: string): Promise<JavaRuntime | undefined> {
  let abs: string;
  try {
    abs = await realpath(home);
  } catch {
    return undefined;
  }
  const bin = path.join(abs, 'bin', 'java');
  if (!(await findExecutable(bin))) return undefined;
  let version: string | undefined;
  try {
    const release = await readFile(path.join(abs, 'release'), 'utf8');
    version = /^JAVA_VERSION="([^"]+)"/m.exec(release)?.[1];
  } catch {
    // no release file: ask the runtime
  }
  if (!version) {
    try {
      const res = await runCommand(bin, ['-version'], { timeoutMs: 20_000 });
      version = /version "([^"]+)"/.exec(res.stderr + res.stdout)?.[1];
    } catch {
      return undefined;
    }
  }
  const major = version ? javaMajor(version) : undefined;
  return version && major ? { home: abs, bin, major, version } : undefined;
}

function accepts(req: JavaRequirement, major: number): boolean {
  if (req.majors) return req.majors.includes(major);
  return (req.min === undefined || major >= req.min) && (req.max === undefined || major <= req.max);
}

function describeRequirement(req: JavaRequirement): string {
  if (req.majors) return `Java ${req.majors.join(' or ')}`;
  if (req.min !== undefined && req.max !== undefined) return `Java ${req.min} to ${req.max}`;
  if (req.min !== undefined) return `Java ${req.min} or newer`;
  return `Java ${req.max} or older`;
}

function rank(req: JavaRequirement, major: number): number {
  if (req.majors) return req.majors.indexOf(major);
  return -major; // newest within the range first
}

/** Every Java runtime found on the machine (deduplicated by real path), in search order. */
export async function listJavaRuntimes(env: NodeJS.ProcessEnv = process.env): Promise<JavaRuntime[]> {
  const homes: string[] = [];
  if (env.JAVA_HOME) homes.push(env.JAVA_HOME);
  try {
    for (const d of (await readdir('/usr/lib/jvm')).sort()) homes.push(path.join('/usr/lib/jvm', d));
  } catch {
    // no /usr/lib/jvm
  }
  const onPath = await findExecutable('java', env);
  if (onPath) {
    try {
      homes.push(path.dirname(path.dirname(await realpath(onPath))));
    } catch {
      // dangling link
    }
  }
  const seen = new Set<string>();
  const out: JavaRuntime[] = [];
  for (const h of homes) {
    const rt = await inspectJavaHome(h);
    if (rt && !seen.has(rt.home)) {
      seen.add(rt.home);
      out.push(rt);
    }
  }
  return out;
}

/**
 * Find a Java runtime that `req` accepts (CAPBENCH_JAVA_HOME first and alone when set).
 * When none is found and `req.debianPackage` is given, install that package (root + apt-get)
 * and look again.
 * @throws ProvisionError "<store>: needs Java 17 or 11; found Java 25 (/usr/lib/jvm/...)" with a
 *   hint to install one or to set CAPBENCH_JAVA_HOME.
 */
export async function requireJava(req: JavaRequirement, ctx?: ServiceContext, env: NodeJS.ProcessEnv = process.env): Promise<JavaRuntime> {
  const wanted = describeRequirement(req);
  const forced = env[JAVA_HOME_ENV]?.trim();
  if (forced) {
    const rt = await inspectJavaHome(forced);
    if (!rt) {
      throw new ProvisionError(req.store, `${JAVA_HOME_ENV}=${forced} is not a Java home (no bin/java there)`, {
        hint: `Point ${JAVA_HOME_ENV} at a ${wanted} home, or unset it to let capbench pick one.`,
      });
    }
    if (!accepts(req, rt.major)) {
      throw new ProvisionError(req.store, `needs ${wanted}, but ${JAVA_HOME_ENV} points at Java ${rt.version} (${rt.home})`, {
        hint: `Point ${JAVA_HOME_ENV} at a ${wanted} home, or unset it to let capbench pick one.`,
      });
    }
    return rt;
  }
  const pick = (all: JavaRuntime[]) => all.filter((r) => accepts(req, r.major)).sort((a, b) => rank(req, a.major) - rank(req, b.major))[0];
  let all = await listJavaRuntimes(env);
  let found = pick(all);
  if (found) return found;
  if (req.debianPackage && ctx) {
    ctx.log(`${req.store}: no ${wanted} found; installing the Debian package ${req.debianPackage}`);
    await ensureDebianPackages(req.store, [req.debianPackage], ctx);
    all = await listJavaRuntimes(env);
    found = pick(all);
    if (found) return found;
  }
  const seen = all.length ? `found only ${all.map((r) => `Java ${r.major} (${r.home})`).join(', ')}` : 'no Java runtime is installed';
  throw new ProvisionError(req.store, `needs ${wanted}; ${seen}`, {
    hint: `Install ${req.debianPackage ? `the Debian package ${req.debianPackage}` : wanted}, or set ${JAVA_HOME_ENV} to a ${wanted} home.`,
  });
}
