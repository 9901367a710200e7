/** bench/max-like-rate.ts's reference point, redis-benchmark: its arguments and its output, without a server. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayCommand, parseRedisBenchmarkQuiet, redisBenchmarkArgs } from '../../bench/redis-benchmark.js';

test('redis-benchmark -q output is parsed past its carriage-return progress lines', () => {
  const raw =
    '\rINCR: rps=0.0 (overall: 11500.0) avg_msec=0.013 (overall: 0.013)\r                                    \r' +
    'INCR: rps=41458.2 (overall: 41221.3) avg_msec=0.022 (overall: 0.022)\r       \r' +
    'INCR: 49627.79 requests per second, p50=0.015 msec\n\n';
  assert.deepEqual(parseRedisBenchmarkQuiet(raw), [{ test: 'INCR', requestsPerSec: 49627.79, p50Ms: 0.015 }]);
  // redis-benchmark before 6.2 prints no p50
  assert.deepEqual(parseRedisBenchmarkQuiet('INCR: 81234.56 requests per second\n'), [{ test: 'INCR', requestsPerSec: 81234.56, p50Ms: null }]);
  assert.deepEqual(parseRedisBenchmarkQuiet('Could not connect to Redis at 127.0.0.1:6379: Connection refused\n'), []);
});

test('redis-benchmark arguments follow the connection; the password is hidden when shown', () => {
  const args = redisBenchmarkArgs({ host: '127.0.0.1', port: 6390 }, { test: 'incr', requests: 1000, clients: 2, pipeline: 16 });
  assert.deepEqual(args, ['-h', '127.0.0.1', '-p', '6390', '-t', 'incr', '-n', '1000', '-c', '2', '-P', '16', '-q']);
  const withAuth = redisBenchmarkArgs({ host: 'h', port: 1, database: '3', password: 's3cret' }, { test: 'incr', requests: 10, clients: 1, pipeline: 1 });
  assert.ok(!withAuth.includes('-P'));
  assert.deepEqual(withAuth.slice(-4), ['--dbnum', '3', '-a', 's3cret']);
  assert.ok(!displayCommand('redis-benchmark', withAuth).includes('s3cret'));
});
