/**
 * k6 built from its Go module by `capbench services up k6`: its status shows the version
 * `k6 version` reports, and a script really runs (an HTTP script against a server on port 0).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { servicesUp } from '../../cli/commands/services.js';
import { runCommand } from '../../targets/local/exec.js';
import { createServiceContext } from '../../targets/local/paths.js';
import { k6Binary, k6Local, K6_ENV, K6_VERSION, parseK6Version } from '../../targets/k6/index.js';

describe('k6 tool (built from go.k6.io/k6)', { timeout: 30 * 60_000 }, () => {
  test('services up builds it once; status shows its version', async () => {
    const [up] = await servicesUp(['k6'], { log: () => undefined });
    assert.equal(up?.store, 'k6');
    assert.equal(up?.state, 'installed', up?.message);
    assert.equal(up?.version, K6_VERSION.replace(/^v/, ''));
    assert.equal(up?.product, `k6 ${up?.version}`);
    const st = await k6Local.status(createServiceContext({ log: () => undefined }));
    assert.equal(st.state, 'installed');
    assert.equal(st.address, k6Binary(createServiceContext()));
    assert.match(st.message ?? '', /^k6 v\d+\.\d+\.\d+/);
  });

  test('an exported script runs: 3 iterations of an HTTP GET against a local server', async () => {
    let hits = 0;
    const server = http.createServer((_req, res) => {
      hits++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'capbench-k6-'));
    try {
      const script = path.join(dir, 'script.js');
      await writeFile(
        script,
        [
          "import http from 'k6/http';",
          "import { check } from 'k6';",
          'export default function () {',
          '  const r = http.get(__ENV.TARGET);',
          "  if (!check(r, { 'status 200': (x) => x.status === 200 })) throw new Error(`status ${r.status}`);",
          '}',
          '',
        ].join('\n'),
      );
      const res = await runCommand(k6Binary(createServiceContext()), ['run', '--quiet', '--no-summary', '--vus', '1', '--iterations', '3', '-e', `TARGET=http://127.0.0.1:${port}/`, script], {
        env: { ...process.env, ...K6_ENV },
        timeoutMs: 120_000,
      });
      assert.equal(res.code, 0, res.stderr || res.stdout);
      assert.equal(hits, 3);
    } finally {
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('k6 version output is parsed', () => {
    assert.equal(parseK6Version('k6 v1.8.1 (commit/devel, go1.26.8, linux/amd64)'), '1.8.1');
    assert.equal(parseK6Version('nothing'), undefined);
  });
});
