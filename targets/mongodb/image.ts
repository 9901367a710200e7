/**
 * The one place where the MongoDB container image is pinned (testcontainers; docker-compose.yml
 * repeats the same tag). With Docker, capbench runs a real MongoDB; the local provisioner runs
 * FerretDB instead (targets/mongodb/local.ts), which reports the MongoDB 7.0 wire protocol.
 */
import type { DockerSpec } from '../docker/spec.js';

/** Real MongoDB, the 7.0 series FerretDB 1.24 emulates. */
export const MONGODB_IMAGE = 'mongo:7.0.14';

/** MongoDB as a container: no auth, port 27017 (same as the local FerretDB). */
export const MONGODB_DOCKER: DockerSpec = {
  store: 'mongodb',
  image: MONGODB_IMAGE,
  ports: [27017],
  ready: { kind: 'log', pattern: /Waiting for connections/ },
};
