/**
 * What capbench changes in every testcontainers module's container class, and why:
 *
 * - Fixed host ports. The @testcontainers/<store> modules publish their port on a random host
 *   port; capbench publishes every store on the same host port as its local server (so the
 *   default URLs reach either), bound to 127.0.0.1 when the engine is local (loads stay on
 *   loopback). testcontainers' public API can fix a host port (`withExposedPorts({ container,
 *   host })`) but not the address it binds to (always every interface).
 * - Health checks paced for benchmarks. The modules that wait on a Docker health check
 *   (PostgreSQL: pg_isready every 250 ms, Cassandra: cqlsh every 250 ms, MongoDB) are made for
 *   test suites, where containers live for seconds; Docker keeps running the check for the
 *   container's whole life, and a cqlsh every quarter second would take a core from the
 *   benchmark. The check keeps the module's pace while the container starts (Docker's start
 *   interval, engines from Docker 25 on) and runs every HEALTH_CHECK_INTERVAL_MS once it is ready.
 *
 * Only types come from testcontainers: this file loads nothing Docker-related by itself.
 */
import type { GenericContainer } from 'testcontainers';

/** The constructor of GenericContainer or of a module's subclass (RedisContainer, ...). */
// (a TypeScript mixin needs exactly this constructor shape: a single `any[]` rest parameter)
export type ContainerClass = new (...args: any[]) => GenericContainer;

/** How often a ready container's health check runs, ms. */
export const HEALTH_CHECK_INTERVAL_MS = 30_000;

/** What forCapbench() adds to a container class. */
export interface CapbenchContainerMethods {
  /**
   * Publish each container port on the same host port, replacing the ports the module exposed
   * (and their random host ports). `hostIp` binds them to one address (e.g. "127.0.0.1");
   * omitted, Docker binds every interface.
   */
  publishOnSameHostPorts(ports: readonly number[], hostIp?: string): this;
}

/** A module container as capbench runs it. */
export type CapbenchContainer = GenericContainer & CapbenchContainerMethods;

/** Nanoseconds, as Docker's health check settings take them. */
const ns = (ms: number) => ms * 1_000_000;

/**
 * `Base` (a testcontainers module's container class) extended with publishOnSameHostPorts()
 * and the health check pacing above. Everything else, the module's settings and readiness
 * check included, is the module's own.
 * @example new (forCapbench(RedisContainer))('redis:7.0.15').publishOnSameHostPorts([6379], '127.0.0.1')
 */
export function forCapbench<TBase extends ContainerClass>(Base: TBase) {
  return class extends Base implements CapbenchContainerMethods {
    publishOnSameHostPorts(ports: readonly number[], hostIp?: string): this {
      const key = (p: number) => `${p}/tcp`;
      this.exposedPorts = ports.map((p) => ({ container: p, host: p }));
      this.createOpts.ExposedPorts = Object.fromEntries(ports.map((p) => [key(p), {}]));
      this.hostConfig.PortBindings = Object.fromEntries(ports.map((p) => [key(p), [{ HostPort: String(p), ...(hostIp ? { HostIp: hostIp } : {}) }]]));
      return this;
    }

    // Runs inside start(), after the module's start() has set its health check, before the
    // container is created.
    protected override async beforeContainerCreated(): Promise<void> {
      await super.beforeContainerCreated?.();
      const hc = this.createOpts.Healthcheck;
      if (!hc?.Interval || hc.Interval >= ns(HEALTH_CHECK_INTERVAL_MS)) return;
      hc.StartInterval = hc.Interval;
      hc.StartPeriod = Math.max(hc.StartPeriod ?? 0, ns(this.startupTimeoutMs ?? 120_000));
      hc.Interval = ns(HEALTH_CHECK_INTERVAL_MS);
    }
  };
}
