/**
 * Stores as Docker containers, each made by its official testcontainers module
 * (@testcontainers/redis, /postgresql, /mongodb, /cassandra, /elasticsearch; see
 * targets/<store>/image.ts), started so that they outlive the CLI: `withReuse()` (which also
 * keeps testcontainers' Ryuk reaper out: nothing removes the container when this process exits)
 * and TESTCONTAINERS_RYUK_DISABLED=true, labelled `capbench.managed=true` and
 * `capbench.store=<store>`, named `capbench-<store>`, each port published on the same host port
 * as the local server (on 127.0.0.1 when the engine is local). `dockerDown()` stops and removes
 * the labelled containers; their data goes with them. testcontainers and the modules are
 * imported lazily: nothing Docker-related loads unless an engine answers (or a container is built).
 */
import { ProvisionError, describeError } from '../../core/errors.js';
import type { ServiceContext, ServiceStatus, StoreName } from '../../core/target.js';
import { checkPort, describeHolder, isLoopbackHost } from '../local/net.js';
import { TARGETS } from '../registry.js';
import { findDockerEngine } from './detect.js';
import type { CapbenchContainer } from './module-class.js';
import type { DockerSpec } from './spec.js';
import { DOCKER_SPECS } from './specs.js';

/** Label every capbench container carries. */
export const LABEL_MANAGED = 'capbench.managed';
/** Label naming the store a capbench container serves. */
export const LABEL_STORE = 'capbench.store';

type Testcontainers = typeof import('testcontainers');

/** Keep testcontainers' Ryuk reaper out (it would remove the containers when this process exits), unless the user chose. */
function keepRyukOut(): void {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
}

async function loadTestcontainers(): Promise<Testcontainers> {
  keepRyukOut();
  return import('testcontainers');
}

/** Where and how buildContainer() publishes a store. */
export interface ContainerOptions {
  /** Address clients reach the published ports on: "127.0.0.1" on a local engine, else the engine's host. */
  host: string;
  /** Bind the published ports to 127.0.0.1 only (a local engine). */
  loopbackOnly: boolean;
  /** How long start() waits for the module's readiness check, ms. */
  startTimeoutMs: number;
}

/**
 * capbench's container for `store`, built (not started) by the store's testcontainers module
 * with its pinned image and settings (DOCKER_SPECS), plus what every capbench container has:
 * name `capbench-<store>`, labels capbench.managed=true and capbench.store=<store>,
 * `withReuse()`, each port on the same host port (127.0.0.1 only when opts.loopbackOnly), and
 * opts.startTimeoutMs for readiness. Loads testcontainers and the module; needs no engine.
 */
export async function buildContainer(store: StoreName, opts: ContainerOptions): Promise<CapbenchContainer> {
  keepRyukOut();
  const spec = DOCKER_SPECS[store];
  const container = await spec.build({ host: opts.host });
  return container
    .publishOnSameHostPorts(spec.ports, opts.loopbackOnly ? '127.0.0.1' : undefined)
    .withName(`capbench-${store}`)
    .withLabels({ [LABEL_MANAGED]: 'true', [LABEL_STORE]: store })
    .withStartupTimeout(opts.startTimeoutMs)
    .withReuse();
}

/** Host that published ports are reached on, and whether ports are bound to loopback only. */
async function engineHost(store: string): Promise<{ host: string; loopbackOnly: boolean }> {
  const e = await findDockerEngine();
  if (!e) throw new ProvisionError(store, 'no Docker engine answers', { hint: 'Start Docker, or use `--provisioner local`.' });
  if (e.kind === 'tcp' && !isLoopbackHost(e.host)) return { host: e.host, loopbackOnly: false };
  return { host: '127.0.0.1', loopbackOnly: true };
}

interface Listed {
  id: string;
  image: string;
  running: boolean;
  state: string;
}

async function listOurs(tc: Testcontainers, store: StoreName): Promise<Listed[]> {
  const client = await tc.getContainerRuntimeClient();
  const all = await client.container.list();
  return all
    .filter((c) => c.Labels?.[LABEL_MANAGED] === 'true' && c.Labels?.[LABEL_STORE] === store)
    .map((c) => ({ id: c.Id, image: c.Image, running: c.State === 'running', state: c.State }));
}

async function removeContainer(tc: Testcontainers, id: string): Promise<void> {
  const client = await tc.getContainerRuntimeClient();
  const c = client.container.getById(id);
  try {
    await client.container.stop(c, { timeout: 30 });
  } catch {
    // already stopped
  }
  await client.container.remove(c, { removeVolumes: true });
}

function base(spec: DockerSpec, host: string): Omit<ServiceStatus, 'state'> {
  return {
    store: spec.store,
    product: spec.image,
    address: `${host}:${spec.ports[0]}`,
    provisioner: 'docker',
  };
}

async function identify(spec: DockerSpec, host: string, containerId: string, message: string): Promise<ServiceStatus> {
  const mod = TARGETS[spec.store];
  const b = base(spec, host);
  if (!mod) return { ...b, state: 'running', message: `${message} (container ${containerId.slice(0, 12)})` };
  try {
    const conn = mod.parseUrl(mod.defaultUrl);
    const info = await mod.probe({ ...conn, host, url: conn.url.replace(conn.host, host) }, 5000);
    return { ...b, product: `${info.product} ${info.version}`, version: info.version, state: 'running', message: `${message} (container ${containerId.slice(0, 12)})` };
  } catch (err) {
    return { ...b, state: 'failed', message: `container ${containerId.slice(0, 12)} runs but does not answer: ${describeError(err)}` };
  }
}

/**
 * Start `store` as a container unless capbench's container for it already runs (then
 * "already running"). Stale capbench containers of the store (stopped, or another image) are
 * removed first.
 * @throws ProvisionError when no engine answers, the host port is taken, or the container does
 *   not become ready within ctx.startTimeoutMs.
 */
export async function dockerUp(store: StoreName, ctx: ServiceContext): Promise<ServiceStatus> {
  const spec = DOCKER_SPECS[store];
  const { host, loopbackOnly } = await engineHost(store);
  const tc = await loadTestcontainers();
  const existing = await listOurs(tc, store);
  const live = existing.find((c) => c.running && c.image === spec.image);
  if (live) return identify(spec, host, live.id, 'already running');
  for (const c of existing) {
    ctx.log(`${store}: removing stale container ${c.id.slice(0, 12)} (${c.image}, ${c.state})`);
    await removeContainer(tc, c.id);
  }
  if (loopbackOnly) {
    for (const port of spec.ports) {
      const o = await checkPort('127.0.0.1', port, []);
      if (o.state === 'foreign') {
        throw new ProvisionError(store, `port ${port} on 127.0.0.1 is already taken by ${describeHolder(o)}`, {
          hint: `Stop it first (if capbench started it: \`capbench services down ${store} --provisioner local\`).`,
        });
      }
    }
  }
  ctx.log(`${store}: starting container ${spec.image}`);
  const t0 = Date.now();
  const container = await buildContainer(store, { host, loopbackOnly, startTimeoutMs: ctx.startTimeoutMs });
  let started;
  try {
    started = await container.start();
  } catch (err) {
    throw new ProvisionError(store, `container ${spec.image} did not start: ${describeError(err)}`, {
      cause: err,
      hint: `See \`docker logs capbench-${store}\`; remove it with \`capbench services down ${store} --provisioner docker\`.`,
    });
  }
  return identify(spec, host, started.getId(), `started in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** Stop and remove capbench's containers for `store`: "removed container <id>" or "no container". */
export async function dockerDown(store: StoreName, ctx: ServiceContext): Promise<ServiceStatus> {
  const spec = DOCKER_SPECS[store];
  const { host } = await engineHost(store);
  const tc = await loadTestcontainers();
  const existing = await listOurs(tc, store);
  for (const c of existing) {
    ctx.log(`${store}: removing container ${c.id.slice(0, 12)}`);
    await removeContainer(tc, c.id);
  }
  return {
    ...base(spec, host),
    state: 'stopped',
    message: existing.length ? `removed container${existing.length > 1 ? 's' : ''} ${existing.map((c) => c.id.slice(0, 12)).join(', ')}` : 'no container',
  };
}

/** State of capbench's container for `store` (running and answering, failed, or stopped). */
export async function dockerStatus(store: StoreName, _ctx: ServiceContext): Promise<ServiceStatus> {
  const spec = DOCKER_SPECS[store];
  const { host } = await engineHost(store);
  const tc = await loadTestcontainers();
  const existing = await listOurs(tc, store);
  const live = existing.find((c) => c.running);
  if (live) return identify(spec, host, live.id, 'running');
  const any = existing[0];
  return { ...base(spec, host), state: 'stopped', message: any ? `container ${any.id.slice(0, 12)} is ${any.state}` : 'no container' };
}
