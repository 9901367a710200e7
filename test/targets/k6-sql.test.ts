/**
 * k6-sql (targets/k6/sql.ts): `capbench services up k6-sql` builds k6 with xk6-sql and the
 * PostgreSQL driver module from the pinned main module once (a second call builds nothing),
 * and its status shows the k6 version and the extension `k6 version` lists.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { servicesUp } from '../../cli/commands/services.js';
import { runCommand } from '../../targets/local/exec.js';
import { createServiceContext } from '../../targets/local/paths.js';
import { K6_ENV, K6_VERSION } from '../../targets/k6/index.js';
import { K6_SQL_VERSION, XK6_SQL_VERSION, k6SqlBinary, k6SqlLocal } from '../../targets/k6/sql.js';

describe('k6-sql tool (k6 + xk6-sql + PostgreSQL driver)', { timeout: 30 * 60_000 }, () => {
  test('services up builds it once; status names k6 and xk6-sql; the binary lists the extension', async () => {
    const [up] = await servicesUp(['k6-sql'], { log: () => undefined });
    assert.equal(up?.store, 'k6-sql');
    assert.equal(up?.state, 'installed', up?.message);
    assert.equal(up?.product, `k6 ${K6_VERSION.replace(/^v/, '')} + xk6-sql ${XK6_SQL_VERSION.replace(/^v/, '')}`);
    const t0 = Date.now();
    const [again] = await servicesUp(['k6-sql'], { log: () => undefined });
    assert.equal(again?.state, 'installed');
    assert.ok(Date.now() - t0 < 30_000, 'the second call builds nothing');
    const ctx = createServiceContext({ log: () => undefined });
    assert.equal((await k6SqlLocal.status(ctx)).address, k6SqlBinary(ctx));
    assert.match(k6SqlBinary(ctx), new RegExp(`k6-sql@${K6_SQL_VERSION.replace(/[+.]/g, '\\$&')}/k6$`));
    const v = await runCommand(k6SqlBinary(ctx), ['version'], { timeoutMs: 30_000, env: { ...process.env, ...K6_ENV } });
    assert.match(v.stdout + v.stderr, /github\.com\/grafana\/xk6-sql v1\.0\.0, k6\/x\/sql \[js\]/);
  });
});
