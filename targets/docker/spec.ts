/**
 * How a store runs as a container (testcontainers): image, ports, environment, command, and
 * when it is ready. One DockerSpec per store; the image tag is pinned next to the store
 * (targets/<store>/image.ts) and repeated in docker-compose.yml.
 */
import type { StoreName } from '../../core/target.js';

/** When a started container counts as ready. */
export type DockerReadiness =
  | { kind: 'log'; pattern: RegExp; times?: number }
  | { kind: 'http'; path: string; port: number }
  | { kind: 'ports' };

/** One store as a container. Ports are published on the same host port as the local server. */
export interface DockerSpec {
  store: StoreName;
  /** Pinned image reference, e.g. "redis:7.0.15". */
  image: string;
  /** Container ports, each published on the same host port (127.0.0.1 only on a local engine). */
  ports: number[];
  env?: Record<string, string>;
  /** Overrides the image's CMD. */
  command?: string[];
  /** /dev/shm size in bytes (PostgreSQL needs more than Docker's 64 MB default). */
  shmBytes?: number;
  ready: DockerReadiness;
}
