/**
 * Connections for reference-impl tests: real servers, addresses from the environment.
 * Defaults are the addresses the project's scripts start (DESIGN.md "Targets").
 */
import { createClient, type RedisClientType } from 'redis';
import pg from 'pg';
import { mulberry32 } from '../../engine/schedule.js';

/** CAPBENCH_REDIS_URL, default redis://127.0.0.1:6379. */
export const REDIS_URL = process.env.CAPBENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** CAPBENCH_POSTGRES_URL, default postgres://capbench:capbench@127.0.0.1:5432/capbench. */
export const POSTGRES_URL = process.env.CAPBENCH_POSTGRES_URL ?? 'postgres://capbench:capbench@127.0.0.1:5432/capbench';

/** A per-process tag so parallel test files and benchmark data never share keys or schemas. */
export const TEST_TAG = `cbtest_${process.pid}`;

/** Connect a RESP2 node-redis client (the type reference-impl takes). */
export async function connectRedis(): Promise<RedisClientType> {
  const client = createClient({ url: REDIS_URL, RESP: 2 });
  client.on('error', () => undefined); // reconnect noise; failing commands still reject
  await client.connect();
  return client;
}

/** A pg.Pool with enough connections for real concurrency in race tests. */
export function pgPool(max = 20): pg.Pool {
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max });
  pool.on('error', () => undefined); // idle-client errors; queries still reject
  return pool;
}

/** Deterministic PRNG (the engine's mulberry32) so a failing random case can be replayed from its seed. */
export const prng = mulberry32;

/** Fisher-Yates shuffle in place with the given PRNG. */
export function shuffle<T>(xs: T[], rnd: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = xs[i] as T;
    xs[i] = xs[j] as T;
    xs[j] = t;
  }
  return xs;
}
