/**
 * Local MongoDB stand-in: FerretDB 1.x (a MongoDB wire-protocol server), built by capbench
 * from its Go module and run on 127.0.0.1:27017 with its SQLite backend. No MongoDB server
 * binary is reachable from these machines' package registries; with Docker capbench runs a
 * real MongoDB (targets/mongodb/image.ts). Reports name the server as
 * "FerretDB <version> (MongoDB wire protocol)".
 *
 * Why SQLite rather than PostgreSQL as FerretDB's backend: it keeps the MongoDB stand-in
 * independent of the PostgreSQL target, which capbench benchmarks in its own right (a shared
 * server would mix both stores' load, memory and relation sizes in each other's figures), and
 * it needs nothing but a directory. FerretDB 1.x ships both backends; its SQLite one is GA.
 *
 * Files: binary `<cacheDir>/bin/ferretdb@v1.24.0/ferretdb` (built once, cached), data
 * `<stateDir>/mongodb/data` (one SQLite file per database), log `<stateDir>/mongodb/mongodb.log`,
 * pid `<stateDir>/mongodb/mongodb.pid`, build log `<stateDir>/mongodb/install.log`.
 * FerretDB's telemetry and its debug HTTP listener are turned off: nothing but 27017 is opened.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LocalService, ServiceContext, ServiceStatus } from '../../core/target.js';
import { buildGoProgram, goBinPath, isGoProgramBuilt, type GoProgram } from '../local/gobuild.js';
import { ensureDir, localServerStart, localServerStatus, localServerStop, serviceLayout, spawnDetached, type LocalServerSpec } from '../local/index.js';
import { portOffset, shiftUrlPort } from '../local/paths.js';
import { ferretdbProduct, probeMongo } from './probe.js';
import { MONGODB_DEFAULT_URL, parseMongoUrl } from './url.js';

/** Loopback address of the local FerretDB. */
export const MONGODB_LOCAL_HOST = '127.0.0.1';
/** Port of the local FerretDB (MongoDB's usual port; plus CAPBENCH_PORT_OFFSET, targets/local/paths.ts). */
export const MONGODB_LOCAL_PORT = 27017;
/** FerretDB's Go module. */
export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
/** The pinned FerretDB release: the last of the 1.x series. */
export const FERRETDB_VERSION = 'v1.24.0';
/** Git commit of FerretDB v1.24.0 (the module proxy's Origin.Hash), written to build/version/commit.txt. */
export const FERRETDB_COMMIT = '7d9c7b9922555c1c8b64fe1ac596f4c1efb570ce';

/**
 * How FerretDB is built. Its build/version package requires build/version/version.txt (what
 * `git describe` would print) when FerretDB is the main module, so the build runs in a copy
 * of the module with those files written.
 */
export const FERRETDB_PROGRAM: GoProgram = {
  store: 'mongodb',
  name: 'ferretdb',
  module: FERRETDB_MODULE,
  version: FERRETDB_VERSION,
  pkg: './cmd/ferretdb',
  minGo: '1.22',
  prepare: async (src) => {
    const dir = path.join(src, 'build', 'version');
    await writeFile(path.join(dir, 'version.txt'), `${FERRETDB_VERSION}\n`);
    await writeFile(path.join(dir, 'commit.txt'), `${FERRETDB_COMMIT}\n`);
    await writeFile(path.join(dir, 'package.txt'), 'capbench\n');
  },
};

/** Path of the FerretDB binary capbench builds (it may not exist yet). */
export function ferretdbBinary(ctx: Pick<ServiceContext, 'cacheDir'>): string {
  return goBinPath(ctx, FERRETDB_PROGRAM);
}

/**
 * SQLite settings FerretDB opens each database with, besides its own (busy_timeout, WAL).
 * synchronous(normal): in WAL mode, fsync at checkpoints instead of at every commit. MongoDB's
 * default write concern ({w: 1}, j unset) acknowledges before the journal is fsynced (its journal
 * is committed every 100 ms), so this is the closer match; with SQLite's default (full) every
 * write waited for an fsync: measured here under load, 216 ms per findOneAndUpdate against
 * 2.8 ms with normal on the same machine (docs/errata.md, Provisioning).
 */
export const FERRETDB_SQLITE_PARAMS = '_pragma=synchronous(normal)';

/** FerretDB's command-line arguments for a data directory (pure; exported for tests and docs). */
export function ferretdbArgs(dataDir: string, stateDir: string, port = MONGODB_LOCAL_PORT): string[] {
  return [
    '--handler=sqlite',
    `--sqlite-url=file:${dataDir.endsWith('/') ? dataDir : `${dataDir}/`}?${FERRETDB_SQLITE_PARAMS}`,
    `--listen-addr=${MONGODB_LOCAL_HOST}:${port}`,
    `--state-dir=${stateDir}`,
    '--telemetry=disable',
    '--debug-addr=-',
    '--log-level=info',
    '--log-format=console',
  ];
}

function spec(ctx: ServiceContext): LocalServerSpec {
  const layout = serviceLayout(ctx, 'mongodb');
  // CAPBENCH_PORT_OFFSET moves it with Redis and PostgreSQL (a private set of servers, docs/faults.md).
  const port = MONGODB_LOCAL_PORT + portOffset();
  const conn = parseMongoUrl(shiftUrlPort(MONGODB_DEFAULT_URL, MONGODB_LOCAL_PORT, port - MONGODB_LOCAL_PORT));
  return {
    store: 'mongodb',
    product: 'FerretDB',
    host: MONGODB_LOCAL_HOST,
    port,
    layout,
    probe: (timeoutMs) => probeMongo(conn, timeoutMs),
    installed: async () => isGoProgramBuilt(ctx, FERRETDB_PROGRAM),
    stopSignal: 'SIGTERM',
    stopTimeoutMs: 30_000,
    launch: async () => {
      await ensureDir(layout.dir, 0o755);
      await ensureDir(layout.dataDir, 0o750);
      const fstate = await ensureDir(path.join(layout.dir, 'state'), 0o750);
      return spawnDetached({
        store: 'mongodb',
        command: ferretdbBinary(ctx),
        args: ferretdbArgs(layout.dataDir, fstate, port),
        logPath: layout.logPath,
        pidPath: layout.pidPath,
        cwd: layout.dir,
      });
    },
  };
}

/**
 * The shared life cycle reports `${product} ${version}`; FerretDB's product already carries
 * its version, so say it once: "FerretDB 1.24.0 (MongoDB wire protocol)".
 */
function named(st: ServiceStatus): ServiceStatus {
  if (st.version && st.product.startsWith('FerretDB ')) return { ...st, product: ferretdbProduct(st.version) };
  return st;
}

/** The LocalService of MongoDB: FerretDB built from its Go module, SQLite backend (see the module comment). */
export const mongodbLocal: LocalService = {
  async install(ctx) {
    const layout = serviceLayout(ctx, 'mongodb');
    await buildGoProgram(FERRETDB_PROGRAM, ctx, path.join(layout.dir, 'install.log'));
  },
  start: async (ctx) => named(await localServerStart(spec(ctx), ctx)),
  stop: async (ctx) => named(await localServerStop(spec(ctx), ctx)),
  status: async (ctx) => named(await localServerStatus(spec(ctx), ctx)),
};
