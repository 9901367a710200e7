/**
 * Docker provisioning for machines with a Docker engine: detection, one DockerSpec per store
 * (built by its official @testcontainers/<store> module), and up/down/status of capbench's
 * labelled containers.
 */
export { dockerAvailable, dockerEndpoints, findDockerEngine, type DockerEndpoint } from './detect.js';
export { buildContainer, dockerDown, dockerStatus, dockerUp, LABEL_MANAGED, LABEL_STORE, type ContainerOptions } from './containers.js';
export { forCapbench, HEALTH_CHECK_INTERVAL_MS, type CapbenchContainer, type CapbenchContainerMethods, type ContainerClass } from './module-class.js';
export type { DockerBuildOptions, DockerSpec } from './spec.js';
export { DOCKER_SPECS } from './specs.js';
