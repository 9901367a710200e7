/**
 * The PostgreSQL target against the real server that `capbench services up postgres`
 * provisions (or the one CAPBENCH_POSTGRES_URL points at): probe, write/read, footprint, URL
 * errors, unreachable errors, idempotent `up`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { TargetUnreachableError, UsageError, redactUrl } from '../../core/errors.js';
import { servicesUp } from '../../cli/commands/services.js';
import { connectPostgres, postgresTarget } from '../../targets/postgres/index.js';
import { resolveConnection } from '../../targets/registry.js';
import { closedPort, randomTag } from './helpers.js';

const N = 300;
const table = `cbtest_${randomTag()}`;

describe('postgres target (real server)', { timeout: 300_000 }, () => {
  let pool: pg.Pool;

  before(async () => {
    const [st] = await servicesUp(['postgres'], { log: () => undefined, timeoutS: 120 });
    assert.equal(st?.state, 'running', `postgres did not start: ${st?.message}`);
    pool = await connectPostgres(resolveConnection('postgres'), { max: 4 });
  });

  after(async () => {
    if (!pool) return;
    await pool.query(`DROP TABLE IF EXISTS ${table}`);
    await pool.end();
  });

  test('probe reads the version from the server', async () => {
    const info = await postgresTarget.probe(resolveConnection('postgres'));
    assert.equal(info.store, 'postgres');
    assert.equal(info.product, 'PostgreSQL');
    assert.match(info.version, /^\d+(\.\d+)?/);
  });

  test('write and read back', async () => {
    await pool.query(`CREATE TABLE ${table} (id int PRIMARY KEY, body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
    await pool.query(`CREATE INDEX ${table}_created_idx ON ${table} (created_at DESC)`);
    await pool.query(`INSERT INTO ${table} (id, body) SELECT g, 'post body ' || g FROM generate_series(1, $1::int) AS g`, [N]);
    const one = await pool.query<{ body: string }>(`SELECT body FROM ${table} WHERE id = $1`, [42]);
    assert.equal(one.rows[0]?.body, 'post body 42');
    const count = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    assert.equal(Number(count.rows[0]?.n), N);
  });

  test('footprint: bytes > 0 and row counts that match what was written', async () => {
    const fp = await postgresTarget.footprint(resolveConnection('postgres'));
    assert.equal(fp.store, 'postgres');
    assert.ok(fp.totalBytes > 0);
    const t = fp.items.find((i) => i.name === `table ${table}`);
    assert.ok(t, `no item for table ${table} in ${fp.items.map((i) => i.name).join(', ')}`);
    assert.equal(t.kind, 'table');
    assert.equal(t.count, N);
    assert.equal(t.countUnit, 'rows');
    assert.ok(t.bytes > 0);
    const pk = fp.items.find((i) => i.name === `index ${table}_pkey`);
    assert.ok(pk && pk.kind === 'index' && pk.bytes > 0, 'primary key index measured');
    assert.ok(fp.items.some((i) => i.name === `index ${table}_created_idx`));
  });

  test('a bad URL is a UsageError, with the password redacted', () => {
    assert.throws(() => postgresTarget.parseUrl('mysql://u:p@127.0.0.1/db'), UsageError);
    assert.throws(() => postgresTarget.parseUrl('postgres://127.0.0.1:0/db'), UsageError);
    assert.throws(
      () => postgresTarget.parseUrl('postgres://capbench:s3cret@:5432/capbench'),
      (err: unknown) => err instanceof UsageError && !err.message.includes('s3cret'),
    );
    assert.throws(() => resolveConnection('postgres', undefined, { CAPBENCH_POSTGRES_URL: 'nope' }), (err: unknown) => err instanceof UsageError && /CAPBENCH_POSTGRES_URL/.test(err.message));
  });

  test('the default URL is capbench/capbench on 127.0.0.1:5432', () => {
    const c = resolveConnection('postgres', undefined, {});
    assert.deepEqual([c.host, c.port, c.username, c.password, c.database], ['127.0.0.1', 5432, 'capbench', 'capbench', 'capbench']);
    assert.equal(redactUrl(c.url), 'postgres://capbench:***@127.0.0.1:5432/capbench');
  });

  test('a closed port is a TargetUnreachableError naming the store and the address', async () => {
    const port = await closedPort();
    const conn = postgresTarget.parseUrl(`postgres://capbench:capbench@127.0.0.1:${port}/capbench`);
    await assert.rejects(postgresTarget.probe(conn, 2000), (err: unknown) => {
      assert.ok(err instanceof TargetUnreachableError);
      assert.equal(err.store, 'postgres');
      assert.match(err.message, new RegExp(`^postgres at 127\\.0\\.0\\.1:${port} is unreachable`));
      assert.doesNotMatch(err.oneLine(), /capbench:capbench|\n/);
      return true;
    });
    await assert.rejects(connectPostgres(conn, { connectionTimeoutMillis: 2000 }), TargetUnreachableError);
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

  test('services up is idempotent', async () => {
    const [first] = await servicesUp(['postgres'], { log: () => undefined });
    const [second] = await servicesUp(['postgres'], { log: () => undefined });
    assert.equal(first?.state, 'running');
    assert.equal(second?.state, 'running');
    if (second?.provisioner === 'local') assert.equal(second.message, 'already running');
  });
});
