/**
 * Connections for reference-impl tests: real servers, addresses from the environment
 * (CAPBENCH_<STORE>_URL, else the loopback defaults the project's scripts start; DESIGN.md
 * "Targets"), opened with the same client bag the scenarios use (targets/clients.ts).
 */
import type { StoreName } from '../../core/target.js';
import { mulberry32 } from '../../engine/schedule.js';
import { openStoreClients, type StoreClients } from '../../targets/clients.js';
import { resolveConnection } from '../../targets/registry.js';

/** A per-process tag so parallel test files and benchmark data never share keys or schemas. */
export const TEST_TAG = `cbtest_${process.pid}`;

/**
 * Connected clients for `stores` (a PostgreSQL pool of `pgPoolSize`, enough for real
 * concurrency in race tests). Close with `await clients.close()`.
 */
export async function testClients(stores: readonly StoreName[], pgPoolSize = 20): Promise<StoreClients> {
  const connections = Object.fromEntries(stores.map((s) => [s, resolveConnection(s)]));
  return openStoreClients(connections, stores, { pgPoolSize });
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
