/**
 * PostgreSQL helpers shared by the reference-impl storage paths: schema-name validation,
 * transactions, and idempotent, race-safe DDL.
 */
import type pg from 'pg';
import { InvalidArgumentError } from '../../core/errors.js';

/** Schema names we accept: lower-case SQL identifiers that need no escaping, max 40 chars (NAMEDATALEN is 64 and prepared-statement names embed it). */
const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,39}$/;

/**
 * Validate a PostgreSQL schema name and return it double-quoted for use in SQL text.
 * Identifiers cannot be bound as parameters, so this is the one place a name reaches SQL
 * text; everything else goes through $n parameters.
 * @throws InvalidArgumentError when the name is not a plain lower-case identifier.
 */
export function quoteSchema(schema: string): string {
  if (!SCHEMA_RE.test(schema)) {
    throw new InvalidArgumentError('reference-impl', `invalid PostgreSQL schema name "${schema}".`, {
      hint: 'Use lower-case letters, digits and underscores, starting with a letter or underscore (max 40 characters).',
    });
  }
  return `"${schema}"`;
}

/**
 * Run `fn` inside BEGIN/COMMIT on one pooled connection; ROLLBACK and rethrow if it throws.
 * A connection whose ROLLBACK also fails is destroyed rather than returned to the pool.
 * @returns what `fn` returned.
 */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    try {
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    }
  } finally {
    client.release(broken);
  }
}

/** Advisory-lock key that serialises capbench DDL across processes (any constant works; this spells "cbDD"). */
const DDL_LOCK_KEY = 0x63624444;

/**
 * Run DDL statements in one transaction under a transaction-level advisory lock.
 * Why: `CREATE ... IF NOT EXISTS` is not race-free in PostgreSQL (two sessions can both pass
 * the existence check and one fails on a catalog unique index), and benchmark workers or
 * parallel test files may call setup() at the same time.
 * @param statements complete SQL statements without parameters (schema names already quoted).
 * @throws the driver's DatabaseError if a statement fails; the transaction is rolled back.
 */
export async function runDdl(pool: pg.Pool, statements: readonly string[]): Promise<void> {
  await withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [DDL_LOCK_KEY]);
    for (const sql of statements) await client.query(sql);
  });
}
