// Crash safety: an emulator child process is killed with SIGKILL in the middle of a write load (create with token,
// revoke, delete from four concurrent clients), restarted on the same state, killed again, restarted; then every
// acknowledged write must be there, every write in flight must be all-or-nothing, and the store must be intact.
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  API,
  accessKeyOf,
  type ChildEmulator,
  createIdentity,
  errorCodeOf,
  findSecrets,
  signed,
  spawnEmulator,
  testDatabaseUrl,
  verifyToken,
} from './support-reliability.js';

const databaseUrl = testDatabaseUrl();

/** What the clients were told succeeded, and what was in flight when the process died. */
interface Ledger {
  /** id -> token issued with the create. */
  created: Map<string, string>;
  revoked: Set<string>;
  deleted: Set<string>;
  revokeInFlight: Set<string>;
  deleteInFlight: Set<string>;
}

const newLedger = (): Ledger => ({
  created: new Map(),
  revoked: new Set(),
  deleted: new Set(),
  revokeInFlight: new Set(),
  deleteInFlight: new Set(),
});

/** Output of every child, scanned for secrets at the end. */
const outputs: { text: string; secrets: Record<string, string> }[] = [];
let kills = 0;
let requests = 0;

/**
 * Four clients write until `createsToReach` creates are acknowledged in total, then the emulator gets SIGKILL while
 * they keep writing. Any failure before the kill fails the test (zero errors under load).
 */
async function writeThenKill(emu: ChildEmulator, ledger: Ledger, createsToReach: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  let killed = false;
  const path = (id: string, action = '') => `/identities/${encodeURIComponent(id)}${action}?${API}`;
  const loop = async (worker: number) => {
    for (let i = worker; !killed; i += 4) {
      let step = 'create';
      let id = '';
      try {
        requests += 1;
        const created = await createIdentity(emu, ['chat'], agent);
        id = created.id;
        ledger.created.set(id, created.token ?? '');
        if (i % 2 === 0) {
          step = 'revoke';
          ledger.revokeInFlight.add(id);
          requests += 1;
          const answer = await signed(emu, { target: path(id, '/:revokeAccessTokens') }, agent);
          if (answer.status !== 204) throw new Error(`revoke answered ${answer.status}: ${answer.text}`);
          ledger.revokeInFlight.delete(id);
          ledger.revoked.add(id);
        }
        if (i % 3 === 0) {
          step = 'delete';
          ledger.deleteInFlight.add(id);
          requests += 1;
          const answer = await signed(emu, { method: 'DELETE', target: path(id) }, agent);
          if (answer.status !== 204) throw new Error(`delete answered ${answer.status}: ${answer.text}`);
          ledger.deleteInFlight.delete(id);
          ledger.deleted.add(id);
        }
      } catch (e) {
        if (killed) return;
        throw new Error(
          `${step} of ${id || 'a new identity'} failed before the kill: ${(e as Error).message}`,
        );
      }
      if (ledger.created.size >= createsToReach && !killed) {
        killed = true;
        emu.child.kill('SIGKILL');
        kills += 1;
      }
    }
  };
  try {
    await Promise.all([loop(0), loop(1), loop(2), loop(3)]);
    expect(await emu.stop('SIGKILL')).toBe('SIGKILL');
  } finally {
    agent.destroy();
    outputs.push({
      text: emu.output(),
      secrets: {
        accessKey: accessKeyOf(emu.info.connectionString),
        secondaryKey: accessKeyOf(emu.info.secondaryConnectionString),
        ...Object.fromEntries([...ledger.created.values()].map((token, i) => [`token#${i}`, token])),
      },
    });
  }
}

/** Checks every acknowledged write through the public API of a restarted emulator. */
async function expectLedgerHolds(emu: ChildEmulator, ledger: Ledger): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  try {
    const checks = [...ledger.created].map(async ([id, token]) => {
      requests += 2;
      const issued = await signed(
        emu,
        {
          target: `/identities/${encodeURIComponent(id)}/:issueAccessToken?${API}`,
          body: '{"scopes":["voip"]}',
        },
        agent,
      );
      const verdict = await verifyToken(emu, token, agent);
      if (ledger.deleted.has(id)) {
        expect([id, issued.status, errorCodeOf(issued)]).toEqual([id, 404, 'IdentityNotFound']);
        expect([id, verdict]).toMatchObject([id, { valid: false, reason: 'identity-deleted' }]);
        return;
      }
      if (ledger.deleteInFlight.has(id)) {
        // All or nothing: either still a live identity or fully deleted.
        expect([200, 404], id).toContain(issued.status);
        expect(verdict.reason ?? 'valid', id).toMatch(/^(valid|revoked|identity-deleted)$/);
        if (issued.status === 404) expect(verdict.reason, id).toBe('identity-deleted');
        return;
      }
      expect([id, issued.status]).toEqual([id, 200]);
      if (ledger.revoked.has(id)) {
        expect([id, verdict]).toMatchObject([id, { valid: false, reason: 'revoked' }]);
      } else if (ledger.revokeInFlight.has(id)) {
        expect(verdict.reason ?? 'valid', id).toMatch(/^(valid|revoked)$/);
      } else {
        expect([id, verdict]).toMatchObject([id, { valid: true }]);
      }
    });
    await Promise.all(checks);
  } finally {
    agent.destroy();
  }
}

async function crashTwiceAndCheck(dataDir: string, args: string[]): Promise<Ledger> {
  const ledger = newLedger();
  let emu = await spawnEmulator(dataDir, args);
  await writeThenKill(emu, ledger, 40);
  emu = await spawnEmulator(dataDir, args);
  await writeThenKill(emu, ledger, 80);
  emu = await spawnEmulator(dataDir, args);
  try {
    await expectLedgerHolds(emu, ledger);
  } finally {
    await emu.stop('SIGTERM');
    outputs.push({ text: emu.output(), secrets: { accessKey: accessKeyOf(emu.info.connectionString) } });
  }
  expect(ledger.created.size).toBeGreaterThanOrEqual(80);
  expect(ledger.revoked.size).toBeGreaterThan(10);
  expect(ledger.deleted.size).toBeGreaterThan(10);
  return ledger;
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  console.info(`crash-safety (emulator): ${kills} SIGKILLs, ${requests} requests`);
});

/** Spawning, loading, killing and checking twice takes 5-15 s; allow for a loaded CI machine. */
const CRASH_TEST_TIMEOUT_MS = 90_000;

describe('SIGKILL of the emulator in the middle of writes', () => {
  it(
    'loses no acknowledged create, revoke or delete and leaves nothing half-written (SQLite)',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'acs-emulator-crash-'));
      dirs.push(dir);
      await crashTwiceAndCheck(dir, []);
      const db = new Database(join(dir, 'emulator.sqlite'), { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        db.close();
      }
    },
    CRASH_TEST_TIMEOUT_MS,
  );

  it.runIf(databaseUrl)(
    'loses no acknowledged create, revoke or delete and leaves nothing half-written (PostgreSQL)',
    async () => {
      const url = databaseUrl ?? '';
      const schema = `acs_emu_crash_${process.pid}_${Date.now().toString(36)}`;
      const dir = await mkdtemp(join(tmpdir(), 'acs-emulator-crash-pg-'));
      dirs.push(dir);
      try {
        await crashTwiceAndCheck(dir, ['--database-url', url, '--database-schema', schema]);
      } finally {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      }
    },
    CRASH_TEST_TIMEOUT_MS,
  );

  it('printed no secret except the connection string of its start banner', () => {
    expect(outputs.length).toBeGreaterThan(0);
    for (const { text, secrets } of outputs) {
      // The start banner shows the local connection string on purpose (like `acs-identity emulator start`).
      const lines = text.split('\n').filter((line) => !line.startsWith('Connection string: '));
      expect(findSecrets(lines.join('\n'), secrets)).toEqual([]);
    }
  });
});
