/**
 * Fixed host ports for a testcontainers module container. The @testcontainers/<store> modules
 * publish their port on a random host port; capbench publishes every store on the same host
 * port as its local server (so the default URLs reach either), bound to 127.0.0.1 when the
 * engine is local (loads stay on loopback). testcontainers' public API can fix a host port
 * (`withExposedPorts({ container, host })`) but not the address it binds to (always every
 * interface), so the module's class is extended here to set both.
 *
 * Only types come from testcontainers: this file loads nothing Docker-related by itself.
 */
import type { GenericContainer } from 'testcontainers';

/** The constructor of GenericContainer or of a module's subclass (RedisContainer, ...). */
// A TypeScript mixin needs exactly this constructor shape (a single `any[]` rest parameter).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ContainerClass = new (...args: any[]) => GenericContainer;

/** What withSameHostPorts() adds to a container class. */
export interface SameHostPorts {
  /**
   * Publish each container port on the same host port, replacing the ports the module exposed
   * (and their random host ports). `hostIp` binds them to one address (e.g. "127.0.0.1");
   * omitted, Docker binds every interface.
   */
  publishOnSameHostPorts(ports: readonly number[], hostIp?: string): this;
}

/** A module container that capbench can publish on fixed host ports. */
export type SameHostPortsContainer = GenericContainer & SameHostPorts;

/**
 * `Base` (a testcontainers module's container class) extended with publishOnSameHostPorts().
 * Everything else, the module's settings and readiness included, is the module's own.
 * @example new (withSameHostPorts(RedisContainer))('redis:7.0.15').publishOnSameHostPorts([6379], '127.0.0.1')
 */
export function withSameHostPorts<TBase extends ContainerClass>(Base: TBase) {
  return class extends Base implements SameHostPorts {
    publishOnSameHostPorts(ports: readonly number[], hostIp?: string): this {
      const key = (p: number) => `${p}/tcp`;
      this.exposedPorts = ports.map((p) => ({ container: p, host: p }));
      this.createOpts.ExposedPorts = Object.fromEntries(ports.map((p) => [key(p), {}]));
      this.hostConfig.PortBindings = Object.fromEntries(ports.map((p) => [key(p), [{ HostPort: String(p), ...(hostIp ? { HostIp: hostIp } : {}) }]]));
      return this;
    }
  };
}
