import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEmulatorError } from '../src/errors.js';
import { createSeed } from '../src/keyring.js';
import type { SigningKeyRecord, Store, StoreSeed } from '../src/store.js';
import { createPostgresStore } from '../src/store-postgres.js';
import { createSqliteStore } from '../src/store-sqlite.js';
import { dropSchema, tempDir, testDatabaseUrl, uniqueSchema } from './support.js';

interface Backing {
  /** A new connection to the same backing storage (another process or instance would see this). */
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

let seeds: [StoreSeed, StoreSeed];
let spareKey: SigningKeyRecord;
beforeAll(async () => {
  const now = Date.now();
  seeds = [await createSeed(now), await createSeed(now)];
  const spare = seeds[1].signingKeys[0];
  if (!spare) throw new Error('seed without signing keys');
  spareKey = { ...spare, kid: `${spare.kid}-SPARE` };
});

function conformance(name: string, backing: () => Promise<Backing>): void {
  describe(`${name} store`, () => {
    let b: Backing;
    let store: Store;
    beforeAll(async () => {
      b = await backing();
      store = await b.open();
    });
    afterAll(async () => {
      await store?.close();
      await b?.cleanup();
    });

    it('seeds the resource once: concurrent first starts agree and leave no orphan signing keys', async () => {
      const other = await b.open();
      try {
        await Promise.all([store.initialize(async () => seeds[0]), other.initialize(async () => seeds[1])]);
        const [a, c] = [await store.getResource(), await other.getResource()];
        expect(a).toEqual(c);
        const keys = await store.getAccessKeys();
        expect(keys.map((k) => [k.name, k.generation])).toEqual([
          ['primary', 1],
          ['secondary', 1],
        ]);
        expect(await other.getAccessKeys()).toEqual(keys);
        const active = await store.listActiveSigningKeys();
        expect(active.map((k) => k.kid).sort()).toEqual(keys.map((k) => k.kid).sort());
        let seeded = false;
        await store.initialize(async () => {
          seeded = true;
          return seeds[1];
        });
        expect(seeded).toBe(false);
      } finally {
        await other.close();
      }
    });

    it('creates and reads identities, and refuses a duplicate id', async () => {
      const created = await store.createIdentity('8:acs:r_1', 1000);
      expect(created).toEqual({
        id: '8:acs:r_1',
        createdAtMs: 1000,
        revokedBeforeSec: null,
        deletedAtMs: null,
      });
      expect(await store.getIdentity('8:acs:r_1')).toEqual(created);
      expect(await store.getIdentity('8:acs:r_missing')).toBeUndefined();
      const error = await store.createIdentity('8:acs:r_1', 2000).catch((e: unknown) => e);
      expect(isEmulatorError(error) && error.code).toBe('STORAGE_FAILED');
    });

    it('only ever raises the revocation second', async () => {
      await store.createIdentity('8:acs:r_2', 1000);
      expect((await store.revokeTokens('8:acs:r_2', 100))?.revokedBeforeSec).toBe(100);
      expect((await store.revokeTokens('8:acs:r_2', 50))?.revokedBeforeSec).toBe(100);
      expect((await store.revokeTokens('8:acs:r_2', 200))?.revokedBeforeSec).toBe(200);
      expect(await store.revokeTokens('8:acs:r_missing', 300)).toBeUndefined();
    });

    it('deletes an identity once, keeping a tombstone that refuses revocation', async () => {
      await store.createIdentity('8:acs:r_3', 1000);
      expect(await store.deleteIdentity('8:acs:r_3', 5000)).toBe('deleted');
      expect(await store.deleteIdentity('8:acs:r_3', 6000)).toBe('already-deleted');
      expect(await store.deleteIdentity('8:acs:r_never', 6000)).toBe('not-found');
      expect((await store.getIdentity('8:acs:r_3'))?.deletedAtMs).toBe(5000);
      expect(await store.revokeTokens('8:acs:r_3', 999)).toBeUndefined();
    });

    it('maps a custom id to one identity across connections, and frees it when the identity is deleted', async () => {
      const other = await b.open();
      try {
        const tries = Array.from({ length: 6 }, (_, i) =>
          (i % 2 ? other : store).createIdentityForCustomId(`8:acs:r_c${i}`, 'alice', 1000 + i),
        );
        const results = await Promise.all(tries);
        expect(results.filter((r) => r.created)).toHaveLength(1);
        const [winner] = new Set(results.map((r) => r.identity.id));
        expect(new Set(results.map((r) => r.identity.id)).size).toBe(1);
        expect(await other.getIdentityDetails(winner ?? '')).toMatchObject({
          customId: 'alice',
          lastTokenIssuedAt: null,
        });
        expect(await store.deleteIdentity(winner ?? '', 5000)).toBe('deleted');
        expect((await other.getIdentityDetails(winner ?? ''))?.customId).toBeNull();
        const again = await store.createIdentityForCustomId('8:acs:r_c9', 'alice', 6000);
        expect(again).toMatchObject({ created: true, identity: { id: '8:acs:r_c9' } });
      } finally {
        await other.close();
      }
    });

    it('keeps the latest token time of an identity and creates the identities of exchanges once', async () => {
      await store.createIdentity('8:acs:r_t', 1000);
      await store.recordTokenIssued('8:acs:r_t', '2025-02-10T21:39:39.3244584+00:00');
      await store.recordTokenIssued('8:acs:r_t', '2025-02-10T21:39:38.0000000+00:00');
      expect((await store.getIdentityDetails('8:acs:r_t'))?.lastTokenIssuedAt).toBe(
        '2025-02-10T21:39:39.3244584+00:00',
      );
      expect(await store.getIdentityDetails('8:acs:r_none')).toBeUndefined();
      const first = await store.ensureIdentity('8:acs:r_x_y', 2000);
      const second = await store.ensureIdentity('8:acs:r_x_y', 3000);
      expect(second).toEqual(first);
      expect(first.createdAtMs).toBe(2000);
    });

    it('keeps the latest of many token times, for another connection too and through a close', async () => {
      await store.createIdentity('8:acs:r_tt', 1000);
      const times = Array.from(
        { length: 200 },
        (_, i) => `2025-02-10T21:40:00.${String(i).padStart(7, '0')}+00:00`,
      );
      await Promise.all(times.map((at) => store.recordTokenIssued('8:acs:r_tt', at)));
      const latest = times.at(-1);
      // Read by the connection that wrote them (SQLite: this read writes the gathered times), then by another one.
      expect((await store.getIdentityDetails('8:acs:r_tt'))?.lastTokenIssuedAt).toBe(latest);
      const other = await b.open();
      expect((await other.getIdentityDetails('8:acs:r_tt'))?.lastTokenIssuedAt).toBe(latest);
      // Written by another connection and not read there: its close writes it.
      await other.recordTokenIssued('8:acs:r_tt', '2025-02-10T21:41:00.0000001+00:00');
      await other.close();
      expect((await store.getIdentityDetails('8:acs:r_tt'))?.lastTokenIssuedAt).toBe(
        '2025-02-10T21:41:00.0000001+00:00',
      );
    });

    it('keeps Teams Extension assignments per tenant and object: created, replaced, deleted', async () => {
      const a = { tenantId: 't1', objectId: 'o1', principalType: 'user', clientIds: ['c1'], createdAtMs: 10 };
      expect(await store.putTeamsExtensionAssignment(a)).toBe('created');
      expect(await store.putTeamsExtensionAssignment({ ...a, clientIds: null, createdAtMs: 20 })).toBe(
        'replaced',
      );
      expect(await store.getTeamsExtensionAssignment('t1', 'o1')).toEqual({ ...a, clientIds: null });
      expect(await store.getTeamsExtensionAssignment('t2', 'o1')).toBeUndefined();
      expect(await store.deleteTeamsExtensionAssignment('t1', 'o1')).toBe(true);
      expect(await store.deleteTeamsExtensionAssignment('t1', 'o1')).toBe(false);
    });

    it('writes Entra assignments in one transaction and finds those of a user, its groups and its tenant', async () => {
      const user = { objectId: 'u1', tenantId: 'T', principalType: 'user', clientIds: ['c'], createdAtMs: 1 };
      const group = { objectId: 'g1', tenantId: 'T', principalType: 'group', clientIds: [], createdAtMs: 2 };
      const tenant = {
        objectId: 'T',
        tenantId: 'T',
        principalType: 'tenant',
        clientIds: ['c'],
        createdAtMs: 3,
      };
      const written = await store.writeEntraAssignments(
        new Map([
          ['u1', user],
          ['g1', group],
          ['T', tenant],
          ['gone', null],
        ]),
      );
      expect([...written]).toEqual([
        ['u1', 'created'],
        ['g1', 'created'],
        ['T', 'created'],
        ['gone', 'absent'],
      ]);
      expect((await store.findEntraAssignments(['u1'], 'T')).map((x) => x.objectId)).toEqual(['u1', 'T']);
      expect((await store.findEntraAssignments(['u2', 'g1'], 'T')).map((x) => x.objectId)).toEqual([
        'g1',
        'T',
      ]);
      expect(await store.findEntraAssignments(['u9'], 'other')).toEqual([]);
      const again = await store.writeEntraAssignments(
        new Map([
          ['u1', { ...user, clientIds: [] }],
          ['g1', null],
        ]),
      );
      expect([...again]).toEqual([
        ['u1', 'replaced'],
        ['g1', 'removed'],
      ]);
      expect(await store.getEntraAssignment('u1')).toEqual({ ...user, clientIds: [] });
      expect((await store.listEntraAssignments()).map((x) => x.objectId)).toEqual(['u1', 'T']);
    });

    it('rotates an access key: new generation and signing key, the old signing key retired but still readable', async () => {
      const before = (await store.getAccessKeys()).find((k) => k.name === 'primary');
      const rotated = await store.rotateAccessKey('primary', 'bmV3IGtleQ==', spareKey, 7000);
      expect(rotated).toMatchObject({
        name: 'primary',
        generation: 2,
        secret: 'bmV3IGtleQ==',
        kid: spareKey.kid,
      });
      const old = await store.getSigningKey(before?.kid ?? '');
      expect(old?.retiredAtMs).toBe(7000);
      expect((await store.getSigningKey(spareKey.kid))?.generation).toBe(2);
      const active = (await store.listActiveSigningKeys()).map((k) => k.kid);
      expect(active).toContain(spareKey.kid);
      expect(active).not.toContain(before?.kid);
      expect((await store.getAccessKeys()).find((k) => k.name === 'secondary')?.generation).toBe(1);
    });

    it('shows every acknowledged write to another connection and after a reopen', async () => {
      const other = await b.open();
      try {
        await other.createIdentity('8:acs:r_4', 1000);
        expect(await store.getIdentity('8:acs:r_4')).toMatchObject({ id: '8:acs:r_4' });
        await store.revokeTokens('8:acs:r_4', 77);
        expect((await other.getIdentity('8:acs:r_4'))?.revokedBeforeSec).toBe(77);
      } finally {
        await other.close();
      }
      const resource = await store.getResource();
      const keys = await store.getAccessKeys();
      await store.close();
      store = await b.open();
      expect(await store.getResource()).toEqual(resource);
      expect(await store.getAccessKeys()).toEqual(keys);
      expect((await store.getIdentity('8:acs:r_2'))?.revokedBeforeSec).toBe(200);
      expect((await store.getIdentity('8:acs:r_3'))?.deletedAtMs).toBe(5000);
      expect((await store.getIdentity('8:acs:r_4'))?.revokedBeforeSec).toBe(77);
    });

    it('keeps role grants: adds, replaces the role, lists, removes, seen by another connection', async () => {
      const other = await b.open();
      try {
        await store.putGrant({ principalId: 'p-1', role: 'Contributor', createdAtMs: 10 });
        await store.putGrant({ principalId: 'p-2', role: 'Contributor', createdAtMs: 20 });
        await other.putGrant({ principalId: 'p-1', role: 'Owner', createdAtMs: 10 });
        expect(await store.getGrant('p-1')).toEqual({ principalId: 'p-1', role: 'Owner', createdAtMs: 10 });
        expect((await other.listGrants()).map((g) => g.principalId)).toEqual(['p-1', 'p-2']);
        expect(await other.deleteGrant('p-2')).toBe(true);
        expect(await store.deleteGrant('p-2')).toBe(false);
        expect(await store.getGrant('p-2')).toBeUndefined();
      } finally {
        await other.close();
      }
    });

    it('keeps metadata: the first writer wins for putMetaIfAbsent, setMeta replaces', async () => {
      const other = await b.open();
      try {
        const [x, y] = await Promise.all([
          store.putMetaIfAbsent('test_key', 'first'),
          other.putMetaIfAbsent('test_key', 'second'),
        ]);
        expect(x).toBe(y);
        expect(await other.getMeta('test_key')).toBe(x);
        await store.setMeta('test_key', 'third');
        expect(await other.getMeta('test_key')).toBe('third');
        expect(await store.getMeta('missing_key')).toBeUndefined();
      } finally {
        await other.close();
      }
    });
  });
}

conformance('SQLite', async () => {
  const dir = await tempDir();
  const file = join(dir.path, 'emulator.sqlite');
  return { open: async () => createSqliteStore(file), cleanup: () => dir.remove() };
});

const url = testDatabaseUrl();
if (url) {
  conformance('PostgreSQL', async () => {
    const schema = uniqueSchema('conf');
    return { open: () => createPostgresStore(url, schema), cleanup: () => dropSchema(url, schema) };
  });
}
