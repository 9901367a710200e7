/**
 * The one place where the MongoDB container image is pinned (docker-compose.yml repeats the
 * same tag), and how it runs under Docker: the official testcontainers module
 * (MongoDBContainer). With Docker, capbench runs a real MongoDB; the local provisioner runs
 * FerretDB instead (targets/mongodb/local.ts), which reports the MongoDB 7.0 wire protocol.
 */
import type { DockerSpec } from '../docker/spec.js';
import { forCapbench } from '../docker/module-class.js';
import { MONGODB_DEFAULT_PORT } from './url.js';

/** Real MongoDB, the 7.0 series FerretDB 1.24 emulates. */
export const MONGODB_IMAGE = 'mongo:7.0.14';

/** Name of the one-member replica set the module runs. */
export const MONGODB_REPLICA_SET = 'rs0';

/**
 * mongosh script of the container's health check: initiate the replica set with its one member
 * advertised as `member` ("host:port") unless it is initiated already, then wait until that
 * member is primary.
 */
export function mongoReplicaSetInit(member: string): string {
  const config = JSON.stringify({ _id: MONGODB_REPLICA_SET, members: [{ _id: 0, host: member }] });
  return `try { rs.status() } catch (e) { rs.initiate(${config}) } while (!db.runCommand({ hello: 1 }).isWritablePrimary) { sleep(100) }`;
}

/**
 * MongoDB as a container: port 27017, no authentication (like the local FerretDB), a
 * one-member replica set (the module's `--replSet rs0`) whose member is advertised at
 * `<host>:27017`.
 */
export const MONGODB_DOCKER: DockerSpec = {
  store: 'mongodb',
  image: MONGODB_IMAGE,
  ports: [MONGODB_DEFAULT_PORT],
  async build({ host }) {
    const { MongoDBContainer } = await import('@testcontainers/mongodb');
    // The module's own health check initiates the replica set with the container's hostname as
    // its member, which only a client inside Docker's network can resolve: a driver given
    // capbench's plain mongodb://127.0.0.1:27017 URL (no directConnection) follows the member
    // list and fails. The module keeps a health check it is given, so this one advertises the
    // address capbench connects to (the host port equals the container port).
    return new (forCapbench(MongoDBContainer))(MONGODB_IMAGE).withHealthCheck({
      test: ['CMD', 'mongosh', '--quiet', '--eval', mongoReplicaSetInit(`${host}:${MONGODB_DEFAULT_PORT}`)],
      interval: 1000,
      timeout: 60_000,
      retries: 1000,
    });
  },
};
