/**
 * How a store runs as a container: its pinned image, its ports, and a builder that makes the
 * store's container with its official testcontainers module (@testcontainers/<store>), which
 * brings the image's setup and readiness check. One DockerSpec per store, in
 * targets/<store>/image.ts (the one place its image tag is pinned; docker-compose.yml repeats
 * it). What every capbench container shares (name, labels, reuse, fixed host ports, start
 * timeout) is added by buildContainer() in targets/docker/containers.ts.
 */
import type { StoreName } from '../../core/target.js';
import type { CapbenchContainer } from './module-class.js';

/** What a store's builder is told about the engine. */
export interface DockerBuildOptions {
  /** Address clients reach the published ports on: "127.0.0.1" on a local engine, else the engine's host. */
  host: string;
}

/** One store as a container. */
export interface DockerSpec {
  store: StoreName;
  /** Pinned image reference, e.g. "redis:7.0.15". */
  image: string;
  /** Container ports, each published on the same host port: the local server's port (127.0.0.1 only on a local engine). */
  ports: readonly number[];
  /**
   * The store's module container for `image` with capbench's settings (command, environment,
   * credentials, and a readiness check where the module's does not fit), not started. Imports
   * testcontainers and the module lazily, so that nothing Docker-related loads before it is called.
   */
  build(opts: DockerBuildOptions): Promise<CapbenchContainer>;
}
