/**
 * Docker provisioning (testcontainers) for machines with a Docker engine: detection, one
 * DockerSpec per store, and up/down/status of capbench's labelled containers.
 */
export { dockerAvailable, dockerEndpoints, findDockerEngine, type DockerEndpoint } from './detect.js';
export { dockerDown, dockerStatus, dockerUp, LABEL_MANAGED, LABEL_STORE } from './containers.js';
export type { DockerReadiness, DockerSpec } from './spec.js';
export { DOCKER_SPECS } from './specs.js';
