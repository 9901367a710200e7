/**
 * The PostgreSQL target against the real server that `capbench services up postgres`
 * provisions (or the one CAPBENCH_POSTGRES_URL points at): the conformance suite
 * (conformance.ts) with a fixture table of rows and two indexes, plus what only PostgreSQL has
 * (the capbench role and database, authentication failures).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type pg from 'pg';
import { TargetUnreachableError, UsageError, redactUrl } from '../../core/errors.js';
import { connectPostgres, postgresTarget } from '../../targets/postgres/index.js';
import { resolveConnection } from '../../targets/registry.js';
import { targetConformance, type TargetAdapter } from './conformance.js';

const N = 300;
const table = (tag: string) => `cbtest_${tag}`;

const postgres: TargetAdapter<pg.Pool> = {
  store: 'postgres',
  urlName: 'PostgreSQL',
  urlAt: (port) => `postgres://127.0.0.1:${port}/other`,
  urlDatabase: 'other',
  product: () => 'PostgreSQL',
  version: {
    pattern: /^\d+(\.\d+)?/,
    read: async (pool) => {
      const res = await pool.query<{ server_version: string }>('SHOW server_version');
      return res.rows[0]?.server_version.split(' ')[0] ?? '';
    },
  },
  connect: (conn, timeoutMs) => connectPostgres(conn, { max: 4, connectionTimeoutMillis: timeoutMs }),
  close: (pool) => pool.end(),
  fixture: {
    count: N,
    async write(pool, tag) {
      const t = table(tag);
      await pool.query(`CREATE TABLE ${t} (id int PRIMARY KEY, body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
      await pool.query(`CREATE INDEX ${t}_created_idx ON ${t} (created_at DESC)`);
      await pool.query(`INSERT INTO ${t} (id, body) SELECT g, 'post body ' || g FROM generate_series(1, $1::int) AS g`, [N]);
    },
    async readBack(pool, tag) {
      const one = await pool.query<{ body: string }>(`SELECT body FROM ${table(tag)} WHERE id = $1`, [42]);
      assert.equal(one.rows[0]?.body, 'post body 42');
      const count = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table(tag)}`);
      assert.equal(Number(count.rows[0]?.n), N);
    },
    async remove(pool, tag) {
      await pool.query(`DROP TABLE IF EXISTS ${table(tag)}`);
    },
    items: (tag) => [
      { name: `table ${table(tag)}`, kind: 'table', countUnit: 'rows', count: N },
      { name: `index ${table(tag)}_pkey`, kind: 'index' },
      { name: `index ${table(tag)}_created_idx`, kind: 'index' },
    ],
  },
};

targetConformance(postgres, () => {
  test('the default URL is capbench/capbench on 127.0.0.1:5432', () => {
    const c = resolveConnection('postgres', undefined, {});
    assert.deepEqual([c.host, c.port, c.username, c.password, c.database], ['127.0.0.1', 5432, 'capbench', 'capbench', 'capbench']);
    assert.equal(redactUrl(c.url), 'postgres://capbench:***@127.0.0.1:5432/capbench');
  });

  test('a URL without a host is a UsageError, with the password redacted', () => {
    assert.throws(() => postgresTarget.parseUrl('mysql://u:p@127.0.0.1/db'), UsageError);
    assert.throws(
      () => postgresTarget.parseUrl('postgres://capbench:s3cret@:5432/capbench'),
      (err: unknown) => err instanceof UsageError && !err.message.includes('s3cret'),
    );
  });

  test('a wrong password is a one-line TargetUnreachableError', async () => {
    const good = resolveConnection('postgres');
    const conn = postgresTarget.parseUrl(good.url.replace(/:[^:@/]*@/, ':wrong-password@'));
    await assert.rejects(postgresTarget.probe(conn), (err: unknown) => {
      assert.ok(err instanceof TargetUnreachableError);
      assert.match(err.message, /authentication failed/);
      assert.doesNotMatch(err.oneLine(), /wrong-password/);
      return true;
    });
  });
});
