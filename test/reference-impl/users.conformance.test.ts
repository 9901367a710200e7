/**
 * The users family's conformance suite: every path registered with family "users"
 * (reference-impl/registry.ts) runs the same cases against its real store through the UserStore
 * contract: create/profile round trip with zeroed stats, duplicate ids and names, concurrent
 * counter bumps adding up and clamping at 0, argument errors, reset scope.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { InvalidArgumentError } from '../../core/errors.js';
import { errorKind } from '../../engine/types.js';
import type { UserStore, UserStoreOptions } from '../../reference-impl/users/types.js';
import { pathsOf } from '../../reference-impl/registry.js';
import type { StoreClients } from '../../targets/clients.js';
import { TEST_TAG, testClients } from './env.js';

const OWN: UserStoreOptions = { schema: `${TEST_TAG}_us` };
const NEIGHBOUR: UserStoreOptions = { schema: `${TEST_TAG}_usn` };

const user = (id: number) => ({ userId: id, username: `u${id}`, email: `u${id}@example.invalid`, fullName: `User ${id}` });

for (const path of pathsOf('users')) {
  describe(`users conformance: ${path.id}`, () => {
    let clients: StoreClients;
    let u: UserStore;

    before(async () => {
      clients = await testClients(path.stores);
      u = path.open(clients, OWN);
      await Promise.all([u.setup(), u.setup(), path.open(clients, OWN).setup()]);
    });

    after(async () => {
      if (clients.postgres) for (const o of [OWN, NEIGHBOUR]) await clients.postgres.query(`DROP SCHEMA IF EXISTS "${o.schema}" CASCADE`);
      await clients.close();
    });

    beforeEach(() => u.reset());

    test('create then profile: the fields and zeroed stats; unknown user is undefined', async () => {
      const before = Date.now();
      assert.equal(await u.create({ ...user(1), bio: 'hello' }), true);
      const p = await u.profile(1);
      assert.ok(p);
      assert.deepEqual({ ...p, createdAt: 0 }, { ...user(1), bio: 'hello', verified: false, createdAt: 0, followersCount: 0, followingCount: 0, postsCount: 0 });
      assert.ok(Math.abs(p.createdAt - before) < 60_000, 'created_at is about now');
      assert.equal(await u.profile(2), undefined);
    });

    test("a duplicate id is refused with false; another user's username is the driver's unique violation", async () => {
      assert.equal(await u.create(user(5)), true);
      const results = await Promise.all(Array.from({ length: 20 }, () => u.create(user(5))));
      assert.equal(results.filter(Boolean).length, 0);
      const kind = await u.create({ ...user(6), username: 'u5' }).then(
        () => 'accepted',
        (e: unknown) => errorKind(e),
      );
      assert.equal(kind, '23505');
      assert.equal(await u.profile(6), undefined, 'nothing half-created');
    });

    test('500 concurrent bumps add up exactly; a counter never goes below 0', async () => {
      await u.create(user(7));
      await Promise.all(Array.from({ length: 500 }, (_, i) => u.bump(7, { followersCount: 1, postsCount: i % 2 })));
      assert.deepEqual(await u.bump(7, { followingCount: -3 }), { followersCount: 500, followingCount: 0, postsCount: 250 });
      const p = await u.profile(7);
      assert.deepEqual([p?.followersCount, p?.followingCount, p?.postsCount], [500, 0, 250]);
      assert.equal(await u.bump(8, { postsCount: 1 }), undefined, 'unknown user');
    });

    test('seedUsers creates a range with zeroed stats, skips existing ids; seedStats overwrites counters', async () => {
      await u.create({ ...user(3), fullName: 'Kept' });
      await u.seedUsers({ first: 0, count: 1000 });
      await u.seedUsers({ first: 990, count: 20 });
      assert.equal((await u.profile(3))?.fullName, 'Kept', 'an existing user is left alone');
      assert.equal((await u.profile(1009))?.username, 'u1009');
      assert.equal(await u.profile(1010), undefined);
      const ids = Array.from({ length: 1000 }, (_, i) => i);
      const rows = ids.map((i) => ({ followersCount: i, followingCount: 1000 - i, postsCount: i % 7 }));
      assert.equal(await u.seedStats([...ids, 5000], [...rows, rows[0]!]), 1000, 'unknown user 5000 is not counted');
      const p = await u.profile(700);
      assert.deepEqual([p?.followersCount, p?.followingCount, p?.postsCount], [700, 300, 0]);
      await assert.rejects(async () => u.seedStats([1], [{ followersCount: -1, followingCount: 0, postsCount: 0 }]), InvalidArgumentError);
      await assert.rejects(async () => u.seedUsers({ first: -1, count: 2 }), InvalidArgumentError);
    });

    test('bad arguments are InvalidArgumentErrors naming the path, and store nothing', async () => {
      const bad = (e: unknown) => e instanceof InvalidArgumentError && e.path === path.id;
      await assert.rejects(async () => u.create({ ...user(1), userId: -1 }), bad);
      await assert.rejects(async () => u.create({ ...user(1), username: 'x'.repeat(31) }), bad);
      await assert.rejects(async () => u.create({ ...user(1), email: '' }), bad);
      await assert.rejects(async () => u.bump(1, { postsCount: 0.5 }), bad);
      assert.equal(await u.profile(1), undefined);
    });

    test("reset() removes this path's users only", async () => {
      const n = path.open(clients, NEIGHBOUR);
      await n.setup();
      await n.create(user(1));
      await u.create(user(1));
      await u.reset();
      assert.equal(await u.profile(1), undefined);
      assert.equal((await n.profile(1))?.username, 'u1');
      await n.reset();
    });
  });
}
