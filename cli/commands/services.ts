/**
 * `capbench services up|status|down [stores...]`: start, inspect and stop the datastores (and
 * k6) that benchmarks run against. The commands are plain async functions returning one
 * ServiceStatus per service; registerServicesCommand() wires them into commander.
 *
 * Provisioners: `local` (servers installed and started by capbench on loopback, see
 * targets/local), `docker` (testcontainers, see targets/docker), `auto` (docker when an engine
 * answers, else local). A store whose URL was redirected (--<store>-url flag via opts.urls, or
 * CAPBENCH_<STORE>_URL) to another address than the local default is `external`: probed,
 * never started or stopped. Stores are installed one after the other (package managers
 * lock), then started in parallel; one failing does not stop the others, and the table says
 * which started and which failed.
 */
import { Command, Option } from 'commander';
import { EXIT, UsageError, describeError } from '../../core/errors.js';
import { STORES, productLabel, type LocalService, type ServiceContext, type ServiceStatus, type StoreName } from '../../core/target.js';
import { dockerAvailable } from '../../targets/docker/detect.js';
import { dockerDown, dockerStatus, dockerUp } from '../../targets/docker/containers.js';
import { addressOf } from '../../targets/local/net.js';
import { createServiceContext } from '../../targets/local/paths.js';
import { TARGETS, TOOLS, TOOL_NAMES, isStoreName, isToolName, localDefaultUrl, resolveConnection, type ToolName } from '../../targets/registry.js';

/** A service `capbench services` manages: one of the five stores, or the k6 tool. */
export type ServiceName = StoreName | ToolName;
/** Provisioner choice on the command line. */
export type ProvisionerChoice = 'auto' | 'local' | 'docker';
/** Every service, in display order: the five stores, then k6. */
export const ALL_SERVICES: readonly ServiceName[] = [...STORES, ...TOOL_NAMES];

/** Options of servicesUp/servicesStatus/servicesDown; every field has a default. */
export interface ServicesOptions {
  /** Default 'auto'. */
  provisioner?: ProvisionerChoice;
  /** Seconds to wait for each server's health check (default 180). */
  timeoutS?: number;
  /** Default resolveStateDir() (<repo>/.capbench or CAPBENCH_STATE_DIR). */
  stateDir?: string;
  /** Default resolveCacheDir() (~/.cache/capbench or CAPBENCH_CACHE_DIR). */
  cacheDir?: string;
  /** Progress lines (default: stderr, prefixed "capbench: "). */
  log?: (line: string) => void;
  /** --<store>-url flags, if the caller has them. */
  urls?: Partial<Record<StoreName, string>>;
  /** Environment for CAPBENCH_<STORE>_URL (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Validate and normalise service names (duplicates dropped, display order kept); an empty
 * list means every service.
 * @throws UsageError for an unknown name.
 */
export function parseServiceNames(names: readonly string[]): ServiceName[] {
  if (names.length === 0) return [...ALL_SERVICES];
  const wanted = new Set<string>();
  for (const raw of names) {
    const n = raw.trim().toLowerCase();
    if (!isStoreName(n) && !isToolName(n)) {
      throw new UsageError(`Unknown service "${raw}".`, { hint: `Use one or more of: ${ALL_SERVICES.join(', ')}.` });
    }
    wanted.add(n);
  }
  return ALL_SERVICES.filter((s) => wanted.has(s));
}

function context(opts: ServicesOptions): ServiceContext {
  const t = opts.timeoutS ?? 180;
  if (!Number.isFinite(t) || t <= 0) throw new UsageError(`Invalid --timeout "${String(opts.timeoutS)}": give a number of seconds > 0.`);
  return createServiceContext({ stateDir: opts.stateDir, cacheDir: opts.cacheDir, log: opts.log, startTimeoutMs: Math.round(t * 1000) });
}

function unavailable(name: ServiceName): ServiceStatus {
  return {
    store: name,
    product: name,
    address: '-',
    state: 'not-installed',
    provisioner: 'local',
    message: `not available in this build (no targets/${name} module registered)`,
  };
}

function failed(name: ServiceName, err: unknown, provisioner: ServiceStatus['provisioner'] = 'local'): ServiceStatus {
  const mod = isStoreName(name) ? TARGETS[name] : undefined;
  let address = '-';
  if (mod) {
    try {
      address = addressOf(mod.parseUrl(localDefaultUrl(name as StoreName)));
    } catch {
      // keep '-'
    }
  }
  // ProvisionError messages start with "<store>: ", which the table's notes already say
  const message = describeError(err).replace(new RegExp(`^${name}: `), '');
  return { store: name, product: name, address, state: 'failed', provisioner, message };
}

/** The local service of a name, if registered. */
function localOf(name: ServiceName): LocalService | undefined {
  return isStoreName(name) ? TARGETS[name]?.local : TOOLS[name];
}

/**
 * When the resolved URL of a store points elsewhere than its local default, the store is
 * external: its probe result, as a status. Undefined when the store is the local default.
 * @throws UsageError for an invalid URL in the flag or environment.
 */
async function externalStatus(store: StoreName, opts: ServicesOptions): Promise<ServiceStatus | undefined> {
  const mod = TARGETS[store];
  if (!mod) return undefined;
  const conn = resolveConnection(store, opts.urls?.[store], opts.env ?? process.env);
  const def = mod.parseUrl(localDefaultUrl(store, opts.env ?? process.env));
  if (conn.host === def.host && conn.port === def.port) return undefined;
  const address = addressOf(conn);
  try {
    const info = await mod.probe(conn, 5000);
    return { store, product: productLabel(info), version: info.version, address, state: 'running', provisioner: 'external', message: `external server (from ${opts.urls?.[store] ? `--${store}-url` : mod.urlEnv}); not managed by capbench` };
  } catch (err) {
    const source = opts.urls?.[store] ? `--${store}-url` : mod.urlEnv;
    const why = err instanceof Error ? err.message : String(err);
    return { store, product: store, address, state: 'failed', provisioner: 'external', message: `${why} Check ${source}, or unset it to use the local server.` };
  }
}

async function useDocker(choice: ProvisionerChoice): Promise<boolean> {
  if (choice === 'local') return false;
  const ok = await dockerAvailable();
  if (choice === 'docker' && !ok) {
    throw new UsageError('No Docker engine answers, so --provisioner docker cannot be used.', {
      hint: 'Start Docker (or set DOCKER_HOST), or use --provisioner local.',
    });
  }
  return ok;
}

/**
 * Start services (all of them when `names` is empty), idempotently: a running service says
 * "already running". Installs what is missing (local provisioner) first, one service at a time,
 * then starts them in parallel. Never throws for a service that fails: its status is `failed`
 * with a one-line message; services whose module is not registered are `not-installed`.
 * @throws UsageError for unknown names, a bad --timeout, a bad URL, or --provisioner docker
 *   without an engine.
 */
export async function servicesUp(names: readonly string[], opts: ServicesOptions = {}): Promise<ServiceStatus[]> {
  const services = parseServiceNames(names);
  const ctx = context(opts);
  const docker = await useDocker(opts.provisioner ?? 'auto');
  const results = new Map<ServiceName, ServiceStatus>();
  const toStart: Array<{ name: ServiceName; start: () => Promise<ServiceStatus> }> = [];

  for (const name of services) {
    if (isStoreName(name)) {
      const ext = await externalStatus(name, opts);
      if (ext) {
        results.set(name, ext);
        continue;
      }
      if (docker) {
        // auto: a local server capbench already runs wins over starting a container on its port
        const local = opts.provisioner !== 'docker' ? TARGETS[name]?.local : undefined;
        const st = local ? await local.status(ctx).catch(() => undefined) : undefined;
        if (st?.state === 'running' && st.provisioner === 'local') {
          results.set(name, { ...st, message: 'already running' });
          continue;
        }
        toStart.push({ name, start: () => dockerUp(name, ctx) });
        continue;
      }
    }
    const local = localOf(name);
    if (!local) {
      results.set(name, unavailable(name));
      continue;
    }
    try {
      await local.install(ctx);
      toStart.push({ name, start: () => local.start(ctx) });
    } catch (err) {
      results.set(name, failed(name, err));
    }
  }
  const started = await Promise.all(
    toStart.map(async ({ name, start }) => {
      try {
        return await start();
      } catch (err) {
        return failed(name, err, docker && isStoreName(name) ? 'docker' : 'local');
      }
    }),
  );
  toStart.forEach(({ name }, i) => results.set(name, started[i]!));
  return services.map((s) => results.get(s)!);
}

/**
 * Current state of services (all when `names` is empty). With `auto`, a service capbench runs
 * locally is shown as such; otherwise its container's state is shown when an engine answers.
 * Never throws for a service; @throws UsageError as servicesUp().
 */
export async function servicesStatus(names: readonly string[], opts: ServicesOptions = {}): Promise<ServiceStatus[]> {
  const services = parseServiceNames(names);
  const ctx = context(opts);
  const choice = opts.provisioner ?? 'auto';
  const docker = await useDocker(choice);
  return Promise.all(
    services.map(async (name): Promise<ServiceStatus> => {
      try {
        if (isStoreName(name)) {
          const ext = await externalStatus(name, opts);
          if (ext) return ext;
          if (docker && choice === 'docker') return await dockerStatus(name, ctx);
        }
        const local = localOf(name);
        const st = local ? await local.status(ctx) : unavailable(name);
        if (docker && isStoreName(name) && (st.state === 'stopped' || st.state === 'not-installed')) {
          const d = await dockerStatus(name, ctx);
          if (d.state !== 'stopped') return d;
        }
        return st;
      } catch (err) {
        return failed(name, err);
      }
    }),
  );
}

/**
 * Stop services (all when `names` is empty) that capbench started: local servers by pid,
 * containers by label (with `auto`: both). External servers and servers capbench did not
 * start are left running. Idempotent ("already stopped"). Never throws for a service.
 * @throws UsageError as servicesUp().
 */
export async function servicesDown(names: readonly string[], opts: ServicesOptions = {}): Promise<ServiceStatus[]> {
  const services = parseServiceNames(names);
  const ctx = context(opts);
  const choice = opts.provisioner ?? 'auto';
  const docker = await useDocker(choice);
  return Promise.all(
    services.map(async (name): Promise<ServiceStatus> => {
      try {
        if (isStoreName(name)) {
          const ext = await externalStatus(name, opts);
          if (ext) return { ...ext, message: 'external server; not managed by capbench, left running' };
          if (docker && choice === 'docker') return await dockerDown(name, ctx);
        }
        const local = localOf(name);
        const st = local ? await local.stop(ctx) : unavailable(name);
        if (docker && isStoreName(name)) {
          const d = await dockerDown(name, ctx);
          if (d.message !== 'no container') return d;
        }
        return st;
      } catch (err) {
        return failed(name, err);
      }
    }),
  );
}

/**
 * Plain-text table of statuses: STORE, PRODUCT/VERSION, ADDRESS, STATE, DATA DIRECTORY,
 * PROVISIONER; then one line per service that has a message ("redis: already running").
 */
export function formatServicesTable(statuses: readonly ServiceStatus[]): string {
  const header = ['STORE', 'PRODUCT/VERSION', 'ADDRESS', 'STATE', 'DATA DIRECTORY', 'PROVISIONER'];
  const rows = statuses.map((s) => [
    s.store,
    s.product || '-',
    s.address || '-',
    s.state,
    s.dataDir ?? (s.provisioner === 'docker' ? '(in container)' : '-'),
    s.provisioner,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const notes = statuses.filter((s) => s.message).map((s) => `${s.store}: ${s.message}`);
  return [line(header), ...rows.map(line), ...(notes.length ? ['', ...notes] : [])].join('\n');
}

/**
 * Exit code for a finished services command: 2 (EXIT.BAD_INPUT) when a service failed, or
 * when `up` was asked for named services and one of them is not running; else 0.
 */
export function servicesExitCode(command: 'up' | 'status' | 'down', statuses: readonly ServiceStatus[], namesGiven: boolean): number {
  if (statuses.some((s) => s.state === 'failed')) return EXIT.BAD_INPUT;
  if (command === 'up' && namesGiven && statuses.some((s) => s.state !== 'running' && s.state !== 'installed')) return EXIT.BAD_INPUT;
  return EXIT.OK;
}

interface CommandFlags {
  provisioner: ProvisionerChoice;
  timeout: string;
}

/**
 * Add `services up|status|down [stores...]` with `--provisioner auto|local|docker` and
 * `--timeout <s>` to a commander program. Each prints the table on stdout and sets
 * process.exitCode (servicesExitCode); UsageErrors propagate to the program's error handler.
 */
export function registerServicesCommand(program: Command): Command {
  const services = program
    .command('services')
    .description('start, inspect and stop the datastores and k6 (local servers on loopback, or Docker containers)');
  const add = (name: 'up' | 'status' | 'down', description: string, run: typeof servicesUp) => {
    services
      .command(name)
      .description(description)
      .argument('[stores...]', `any of ${ALL_SERVICES.join(', ')} (default: all)`)
      .addOption(new Option('--provisioner <kind>', 'how to provide the servers').choices(['auto', 'local', 'docker']).default('auto'))
      .option('--timeout <s>', 'seconds to wait for each server to answer', '180')
      .action(async (stores: string[], flags: CommandFlags) => {
        const timeoutS = Number(flags.timeout);
        if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new UsageError(`Invalid --timeout "${flags.timeout}": give a number of seconds > 0.`);
        const statuses = await run(stores, { provisioner: flags.provisioner, timeoutS });
        process.stdout.write(`${formatServicesTable(statuses)}\n`);
        process.exitCode = servicesExitCode(name, statuses, stores.length > 0);
      });
  };
  add('up', 'install what is missing and start the servers (idempotent)', servicesUp);
  add('status', 'show each server: product and version, address, state, data directory', servicesStatus);
  add('down', 'stop the servers capbench started (local processes, labelled containers)', servicesDown);
  return services;
}
