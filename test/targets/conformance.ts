/**
 * One conformance suite for every datastore target (YCSB-style: one suite, every store runs
 * it through a small adapter), against the real server `capbench services up <store>`
 * provisions (or the one CAPBENCH_<STORE>_URL points at). The shared cases:
 *
 * - URL parsing and precedence through targets/registry.ts resolveConnection(): the
 *   --<store>-url flag beats CAPBENCH_<STORE>_URL, which beats the default; empty values count
 *   as not given;
 * - a bad URL is a one-line UsageError naming the store and what is wrong (and, through
 *   resolveConnection(), the flag or variable it came from), with the password redacted;
 * - probe() returns the product and the version the server itself reports, and its address;
 * - a closed port is a one-line TargetUnreachableError naming the store and the address, from
 *   probe() and from the store's client alike;
 * - a fixture of N items written under a unique tag reads back, and the footprint counts
 *   exactly what it wrote (within the adapter's stated tolerance); removed, it leaves no item;
 * - `servicesUp` twice is idempotent ("already running" from the local provisioner).
 *
 * A store's test file is its adapter, one call of targetConformance(), and the cases only that
 * store has (registered through the `specific` callback, so they run with the fixture in place).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TargetUnreachableError, UsageError } from '../../core/errors.js';
import type { Connection, Footprint, FootprintItem, Provisioner, ServerInfo, ServiceStatus, StoreName } from '../../core/target.js';
import { servicesUp } from '../../cli/commands/services.js';
import { getTarget, resolveConnection, urlEnvName } from '../../targets/registry.js';
import { closedPort, randomTag } from './helpers.js';

/** A footprint item a fixture must produce. */
export interface ExpectedItem {
  /** Exact item name, e.g. "table cbtest_abcdef". */
  name: string;
  kind: FootprintItem['kind'];
  /** Unit of the count ("keys", "rows", "docs", "partitions"); omitted for items without a count (indexes). */
  countUnit?: string;
  /** Items the fixture wrote into it; omitted when the store cannot count it here. */
  count?: number;
  /** Allowed relative error of `count` (0.02 = 2 %) for stores that estimate; default 0 (exact). */
  tolerance?: number;
  /** Size in bytes must be > 0 (default true); false accepts 0 for figures a store cannot measure here. */
  bytesPositive?: boolean;
  /** The item's note must match (it says where the figures come from). */
  note?: RegExp;
}

/** Written fixtures: how to write N items under a tag, read them back, measure and remove them. */
export interface FixtureAdapter<C> {
  /** Number of items (keys, rows, documents, partitions) write() creates. */
  count: number;
  /** Create the fixture's structures and write `count` items, all named after `tag`. */
  write(client: C, tag: string): Promise<void>;
  /** Read some items back and assert they are what write() wrote. */
  readBack(client: C, tag: string): Promise<void>;
  /** Remove everything write() created; idempotent (also called after a failed run). */
  remove(client: C, tag: string): Promise<void>;
  /** The footprint items the fixture must produce (the provisioner decides what can be measured). */
  items(tag: string, provisioner: Provisioner | undefined): ExpectedItem[];
  /** Footprint reading that covers the fixture; default: the target's footprint() of `conn`. */
  footprint?(conn: Connection, tag: string): Promise<Footprint>;
}

/** What the suite needs to know about one store. */
export interface TargetAdapter<C> {
  store: StoreName;
  /** How URL errors name the store: "Invalid <urlName> URL ...", e.g. "PostgreSQL". */
  urlName: string;
  /** A valid URL of a server at 127.0.0.1:`port`, without credentials, naming `urlDatabase`. */
  urlAt(port: number): string;
  /** The database, keyspace or index prefix urlAt() names (not the store's default). */
  urlDatabase: string;
  /** The product probe() must report for `info` (the provisioner that runs the server, if capbench's). */
  product(info: ServerInfo, provisioner: Provisioner | undefined): string;
  /** What probe() must say about the version. */
  version: {
    /** Shape of the version string. */
    pattern: RegExp;
    /** Exact version when capbench's local provisioner runs the server. */
    local?: string;
    /** The version as the store's own client reads it (independently of probe()). */
    read(client: C): Promise<string>;
  };
  /**
   * Open the store's client (the official driver through targets/<store>/client.ts).
   * @throws TargetUnreachableError when nothing answers within timeoutMs (ms).
   */
  connect(conn: Connection, timeoutMs: number): Promise<C>;
  /** Close a client connect() opened. */
  close(client: C): Promise<void>;
  fixture: FixtureAdapter<C>;
  /** Timeout of the suite's own client, ms (default 10 000). */
  clientTimeoutMs?: number;
  /** Seconds servicesUp() may wait for the server (default 120). */
  startTimeoutS?: number;
  /** Timeout of the whole suite, ms (default 300 000). */
  timeoutMs?: number;
  /** Runs before the suite's servicesUp(), e.g. cases that need capbench's server stopped. */
  beforeUp?(): Promise<void>;
}

/** What the suite's tests (and a store's specific ones) see; filled in by its before() hook. */
export interface SuiteContext<C> {
  /** Unique per run: letters g-z only (randomTag()). */
  tag: string;
  /** The resolved connection (flag-less: env, else default). */
  conn: Connection;
  /** A client connected in before(). */
  client: C;
  /** What servicesUp() said when the suite started. */
  up: ServiceStatus;
  /** Who runs the server: local (capbench's), docker, or external. */
  provisioner: Provisioner | undefined;
}

/**
 * Register the conformance suite for one store: a describe() named "<store> target (real
 * server)" with the shared cases, then the store's `specific` cases (registered after the
 * footprint case, while the fixture still exists), then the fixture's removal and the
 * idempotent `up`.
 */
export function targetConformance<C>(adapter: TargetAdapter<C>, specific?: (ctx: SuiteContext<C>) => void): void {
  const { store, fixture } = adapter;
  const mod = getTarget(store);
  const flag = `--${store}-url`;
  const envName = `CAPBENCH_${store.toUpperCase()}_URL`;
  const quiet = { log: () => undefined, timeoutS: adapter.startTimeoutS ?? 120 };
  const ctx = { tag: randomTag() } as SuiteContext<C>;
  const measure = (conn: Connection, tag: string) => (fixture.footprint ? fixture.footprint(conn, tag) : mod.footprint(conn));

  describe(`${store} target (real server)`, { timeout: adapter.timeoutMs ?? 300_000 }, () => {
    before(async () => {
      await adapter.beforeUp?.();
      const [up] = await servicesUp([store], quiet);
      assert.equal(up?.state, 'running', `${store} did not start: ${up?.message}`);
      ctx.up = up;
      ctx.provisioner = up.provisioner;
      ctx.conn = resolveConnection(store);
      ctx.client = await adapter.connect(ctx.conn, adapter.clientTimeoutMs ?? 10_000);
    });

    after(async () => {
      if (ctx.client === undefined) return;
      await fixture.remove(ctx.client, ctx.tag).catch(() => undefined);
      await adapter.close(ctx.client);
    });

    test(`the URL comes from ${flag}, then ${envName}, then the default`, () => {
      assert.equal(mod.urlEnv, envName);
      assert.equal(urlEnvName(store), envName);
      const env = { [envName]: adapter.urlAt(7001) };
      const fromEnv = resolveConnection(store, undefined, env);
      assert.deepEqual([fromEnv.store, fromEnv.host, fromEnv.port, fromEnv.database], [store, '127.0.0.1', 7001, adapter.urlDatabase]);
      const fromFlag = resolveConnection(store, adapter.urlAt(7002), env);
      assert.deepEqual([fromFlag.host, fromFlag.port, fromFlag.database], ['127.0.0.1', 7002, adapter.urlDatabase]);
      assert.deepEqual(resolveConnection(store, undefined, {}), mod.parseUrl(mod.defaultUrl));
      assert.equal(resolveConnection(store, undefined, {}).url, mod.defaultUrl);
      assert.equal(resolveConnection(store, '  ', { [envName]: '' }).url, mod.defaultUrl, 'empty values count as not given');
      assert.equal(resolveConnection(store, '', env).port, 7001);
      const def = mod.parseUrl(mod.defaultUrl);
      assert.equal(def.host, '127.0.0.1', 'the default is the local server on loopback');
    });

    test('a bad URL is a one-line UsageError naming the store, what is wrong and where it came from', () => {
      const withSecret = (url: string) => url.replace('://', '://u:s3cret@');
      const cases: Array<[string, RegExp]> = [
        ['not a url', /not a URL/],
        ['ftp://127.0.0.1:1234/x', /scheme must be /],
        [withSecret(adapter.urlAt(0)), /port 0 is out of range/],
        [withSecret(adapter.urlAt(70000)), /not a URL/],
      ];
      for (const [url, why] of cases) {
        assert.throws(
          () => mod.parseUrl(url),
          (err: unknown) => {
            assert.ok(err instanceof UsageError, `${url}: ${String(err)}`);
            assert.match(err.message, new RegExp(`^Invalid ${adapter.urlName} URL "`));
            assert.match(err.message, why);
            assert.doesNotMatch(err.oneLine(), /s3cret|\n/);
            return true;
          },
        );
      }
      assert.throws(() => resolveConnection(store, 'not a url'), (err: unknown) => err instanceof UsageError && err.message.includes(`(from ${flag})`));
      assert.throws(() => resolveConnection(store, undefined, { [envName]: 'nope' }), (err: unknown) => err instanceof UsageError && err.message.includes(`(from ${envName})`));
    });

    test('probe reads the product and the version from the server', async () => {
      const info = await mod.probe(ctx.conn);
      assert.equal(info.store, store);
      assert.equal(info.product, adapter.product(info, ctx.provisioner));
      assert.match(info.version, adapter.version.pattern);
      assert.equal(info.version, await adapter.version.read(ctx.client), 'the version the client reads');
      if (ctx.provisioner === 'local' && adapter.version.local) assert.equal(info.version, adapter.version.local);
      assert.equal(info.address, `${ctx.conn.host}:${ctx.conn.port}`);
    });

    test('a closed port is a TargetUnreachableError naming the store and the address', async () => {
      const port = await closedPort();
      const conn = mod.parseUrl(adapter.urlAt(port).replace('://', '://u:s3cret@'));
      const check = (err: unknown) => {
        assert.ok(err instanceof TargetUnreachableError, String(err));
        assert.equal(err.store, store);
        assert.match(err.message, new RegExp(`^${store} at 127\\.0\\.0\\.1:${port} is unreachable: connection refused`));
        assert.ok(err.oneLine().includes(flag), 'the hint names the flag');
        assert.doesNotMatch(err.oneLine(), /s3cret|\n/);
        return true;
      };
      await assert.rejects(mod.probe(conn, 2000), check);
      await assert.rejects(adapter.connect(conn, 2000), check);
    });

    test(`write a fixture of ${fixture.count} items and read it back`, async () => {
      await fixture.write(ctx.client, ctx.tag);
      await fixture.readBack(ctx.client, ctx.tag);
    });

    test('footprint: bytes > 0 and counts that match what the fixture wrote', async () => {
      const fp = await measure(ctx.conn, ctx.tag);
      assert.equal(fp.store, store);
      assert.ok(!Number.isNaN(Date.parse(fp.takenAt)), `takenAt ${fp.takenAt}`);
      const expected = fixture.items(ctx.tag, ctx.provisioner);
      assert.ok(expected.length > 0);
      for (const want of expected) {
        const item = fp.items.find((i) => i.name === want.name);
        assert.ok(item, `no item ${want.name} in ${fp.items.map((i) => i.name).join(', ')}`);
        assert.equal(item.kind, want.kind, want.name);
        if (want.countUnit !== undefined) assert.equal(item.countUnit, want.countUnit, want.name);
        if (want.count !== undefined) {
          const slack = want.count * (want.tolerance ?? 0);
          assert.ok(Math.abs((item.count ?? Number.NaN) - want.count) <= slack, `${want.name}: count ${item.count}, wrote ${want.count}`);
        }
        if (want.bytesPositive ?? true) assert.ok(item.bytes > 0, `${want.name}: bytes ${item.bytes}`);
        else assert.ok(item.bytes >= 0 && (item.count ?? 0) >= 0, `${want.name}: ${item.bytes} bytes, count ${item.count}`);
        if (want.note) assert.match(item.note ?? '', want.note, want.name);
        assert.ok(fp.totalBytes >= item.bytes, `total ${fp.totalBytes} < ${want.name} ${item.bytes}`);
      }
      if (expected.some((w) => w.bytesPositive ?? true)) assert.ok(fp.totalBytes > 0);
    });

    specific?.(ctx);

    test('the fixture removed, its footprint items are gone', async () => {
      await fixture.remove(ctx.client, ctx.tag);
      const fp = await measure(ctx.conn, ctx.tag);
      const names = new Set(fixture.items(ctx.tag, ctx.provisioner).map((w) => w.name));
      assert.deepEqual(fp.items.filter((i) => names.has(i.name)).map((i) => i.name), []);
    });

    test('services up is idempotent', async () => {
      const [first] = await servicesUp([store], quiet);
      const [second] = await servicesUp([store], quiet);
      assert.equal(first?.state, 'running');
      assert.equal(second?.state, 'running');
      if (second?.provisioner === 'local') assert.equal(second.message, 'already running');
      assert.equal(second?.address, first?.address);
      assert.equal(second?.address, ctx.up.address);
    });
  });
}
