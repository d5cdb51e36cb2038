import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MappingStore } from '../src/store.js';
import { createPostgresStore } from '../src/store-postgres.js';
import { createSqliteStore } from '../src/store-sqlite.js';
import { dropSchema, testDatabaseUrl, uniqueSchema } from './helpers.js';

const now = () => Date.parse('2026-11-22T02:00:00.000Z');
const databaseUrl = testDatabaseUrl();
const dirs: string[] = [];
const schemas: string[] = [];

afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  if (databaseUrl !== undefined) for (const schema of schemas) await dropSchema(databaseUrl, schema);
});

interface Flavour {
  name: string;
  skip: boolean;
  /** Opens a store; stores opened with the same `location` share their data (a file, a schema). */
  open(location: string): MappingStore;
  location(): string;
}

const flavours: Flavour[] = [
  {
    name: 'SQLite',
    skip: false,
    open: (location) => createSqliteStore(join(location, 'gateway.db'), now),
    location: () => {
      const dir = mkdtempSync(join(tmpdir(), 'acs-gateway-store-'));
      dirs.push(dir);
      return dir;
    },
  },
  {
    name: 'PostgreSQL',
    skip: databaseUrl === undefined,
    open: (location) => createPostgresStore(databaseUrl ?? '', location, now),
    location: () => {
      const schema = uniqueSchema('gw_store');
      schemas.push(schema);
      return schema;
    },
  },
];

const alice = { issuer: 'https://issuer.example', subject: 'alice' };

/** A back end stand-in that hands out numbered ids and records what it was asked. */
function identities() {
  let next = 0;
  const created: string[] = [];
  const discarded: string[] = [];
  return {
    created,
    discarded,
    create: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      const rawId = `8:acs:resource_${++next}`;
      created.push(rawId);
      return rawId;
    },
    discard: async (rawId: string) => {
      discarded.push(rawId);
    },
  };
}

describe.each(flavours)('the $name mapping store', (flavour) => {
  const open = async (location: string) => {
    const store = flavour.open(location);
    await store.init();
    return store;
  };

  it.skipIf(flavour.skip)('creates an identity on first use and returns it afterwards', async () => {
    const store = await open(flavour.location());
    const ids = identities();
    try {
      expect(await store.get(alice)).toBeUndefined();
      expect(await store.findOrCreate(alice, ids.create, ids.discard)).toEqual({
        rawId: '8:acs:resource_1',
        created: true,
      });
      expect(await store.findOrCreate(alice, ids.create, ids.discard)).toEqual({
        rawId: '8:acs:resource_1',
        created: false,
      });
      expect(await store.get(alice)).toEqual({
        ...alice,
        rawId: '8:acs:resource_1',
        createdAt: new Date(now()),
      });
      expect(ids.created).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it.skipIf(flavour.skip)('keeps users of different issuers apart', async () => {
    const store = await open(flavour.location());
    const ids = identities();
    try {
      const a = await store.findOrCreate(alice, ids.create, ids.discard);
      const b = await store.findOrCreate(
        { issuer: 'https://other.example', subject: 'alice' },
        ids.create,
        ids.discard,
      );
      expect(a.rawId).not.toBe(b.rawId);
    } finally {
      await store.close();
    }
  });

  it.skipIf(flavour.skip)('creates exactly one identity for ten concurrent first requests', async () => {
    const store = await open(flavour.location());
    const ids = identities();
    try {
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.findOrCreate(alice, ids.create, ids.discard)),
      );
      expect(new Set(results.map((r) => r.rawId)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(ids.created).toHaveLength(1);
      expect(ids.discarded).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it.skipIf(flavour.skip)(
    'creates exactly one identity when two instances race on one database',
    async () => {
      const location = flavour.location();
      const first = await open(location);
      const second = await open(location);
      const ids = identities();
      try {
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            (i % 2 === 0 ? first : second).findOrCreate(alice, ids.create, ids.discard),
          ),
        );
        expect(new Set(results.map((r) => r.rawId)).size).toBe(1);
        // PostgreSQL serialises with an advisory lock: one creation. SQLite may let the loser create and then discard.
        expect(ids.created.length - ids.discarded.length).toBe(1);
        if (flavour.name === 'PostgreSQL') expect(ids.created).toHaveLength(1);
      } finally {
        await first.close();
        await second.close();
      }
    },
  );

  it.skipIf(flavour.skip)(
    'records nothing when creating the identity fails, so the next request tries again',
    async () => {
      const store = await open(flavour.location());
      const ids = identities();
      try {
        await expect(
          store.findOrCreate(alice, () => Promise.reject(new Error('back end down')), ids.discard),
        ).rejects.toThrow('back end down');
        expect(await store.get(alice)).toBeUndefined();
        expect((await store.findOrCreate(alice, ids.create, ids.discard)).created).toBe(true);
      } finally {
        await store.close();
      }
    },
  );

  it.skipIf(flavour.skip)('forgets every mapping of a deleted identity', async () => {
    const store = await open(flavour.location());
    const ids = identities();
    try {
      const { rawId } = await store.findOrCreate(alice, ids.create, ids.discard);
      expect(await store.deleteByRawId(rawId)).toBe(1);
      expect(await store.deleteByRawId(rawId)).toBe(0);
      expect(await store.get(alice)).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it.skipIf(flavour.skip)('keeps mappings across a restart', async () => {
    const location = flavour.location();
    const ids = identities();
    const before = await open(location);
    const { rawId } = await before.findOrCreate(alice, ids.create, ids.discard);
    await before.close();
    const after = await open(location);
    try {
      expect((await after.get(alice))?.rawId).toBe(rawId);
      await expect(after.ping()).resolves.toBeUndefined();
    } finally {
      await after.close();
    }
  });
});
