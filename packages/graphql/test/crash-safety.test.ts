// Crash safety of the gateway: `dist/main.js` runs as a child process and gets SIGKILL in the middle of a write load
// (end users' first issueMyToken creating their mapping, administrators creating, revoking and deleting), is
// restarted on the same mapping store, killed again, restarted; then every acknowledged mapping, create, revoke and
// delete must be there, and no user may point at a half-created or deleted identity. SQLite and PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeAccessToken } from '@acs-identity/core';
import { type EmulatorLogEntry, type RunningEmulator, startEmulator } from '@acs-identity/emulator';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminKey, dropSchema, testDatabaseUrl, uniqueSchema } from './helpers.js';
import { type GatewayProcess, spawnGateway } from './support-processes.js';
import { accessKeyOf, codeOf, findSecrets, http, verifyToken } from './support-reliability.js';

const databaseUrl = testDatabaseUrl();
const key = adminKey();
let emulator: RunningEmulator;
let emulatorDir: string;
const emulatorLogs: EmulatorLogEntry[] = [];
const outputs: string[] = [];
const tokens: string[] = [];
let kills = 0;
let requests = 0;

beforeAll(async () => {
  emulatorDir = mkdtempSync(join(tmpdir(), 'acs-gw-crash-emulator-'));
  emulator = await startEmulator({
    port: 0,
    dataDir: emulatorDir,
    rateLimits: false,
    logger: (e) => emulatorLogs.push(e),
  });
});

afterAll(async () => {
  await emulator?.close();
  rmSync(emulatorDir, { recursive: true, force: true });
  console.info(`crash-safety (gateway): ${kills} SIGKILLs, ${requests} requests`);
});

type GatewayChild = GatewayProcess;

/** Starts the built gateway as a child process on the emulator; resolves once it listens. */
function spawnOnEmulator(env: Record<string, string>): Promise<GatewayChild> {
  return spawnGateway(
    {
      GATEWAY_ADMIN_KEYS: key,
      GATEWAY_RATE_LIMIT_PER_MINUTE: '0',
      AZURE_COMMUNICATION_CONNECTION_STRING: emulator.info.connectionString,
      ACS_IDENTITY_CA_CERT_FILE: emulator.info.caCertFile ?? '',
      ...env,
    },
    (out) => outputs.push(out),
  );
}

async function graphql(gw: GatewayChild, query: string, variables: Record<string, unknown>, auth: string) {
  requests += 1;
  const answer = await http(new URL('graphql', gw.url).toString(), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${auth}` },
    body: JSON.stringify({ query, variables }),
  });
  const code = codeOf(answer);
  return { answer, code, data: (answer.json as { data?: Record<string, unknown> | null } | undefined)?.data };
}

/** `data[name]` of a GraphQL result; throws when it is missing. */
function field<T>(result: { data?: Record<string, unknown> | null | undefined }, name: string): T {
  const value = result.data?.[name];
  if (value === undefined || value === null) throw new Error(`no ${name} in the answer`);
  return value as T;
}

async function signIn(gw: GatewayChild, user: string): Promise<string> {
  requests += 1;
  const answer = await http(new URL('dev/sign-in', gw.url).toString(), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
  });
  if (answer.status !== 200) throw new Error(`sign-in answered ${answer.status}`);
  const token = (answer.json as { token: string }).token;
  tokens.push(token);
  return token;
}

function verify(token: string): Promise<{ valid: boolean; reason?: string }> {
  requests += 1;
  return verifyToken(emulator, token);
}

const MINE = 'mutation { issueMyToken(scopes: [CHAT]) { token } }';
const ME = '{ me { identity { rawId } } }';

/** What the clients were told succeeded, and what was in flight when the gateway died. */
interface Ledger {
  /** user -> raw id of the identity issueMyToken gave them. */
  mapped: Map<string, string>;
  mappingInFlight: Set<string>;
  /** users whose identity an administrator deleted. */
  deleted: Set<string>;
  deleteInFlight: Set<string>;
  /** identities created by an administrator -> token issued with them. */
  created: Map<string, string>;
  revoked: Set<string>;
  revokeInFlight: Set<string>;
}

async function loadThenKill(gw: GatewayChild, ledger: Ledger, prefix: string, mappingsToReach: number) {
  let killed = false;
  let next = 0;
  const loop = async () => {
    while (!killed) {
      const n = next++;
      const user = `${prefix}-${n}`;
      let step = 'sign-in';
      try {
        const auth = await signIn(gw, user);
        step = 'issueMyToken';
        ledger.mappingInFlight.add(user);
        const mine = await graphql(gw, MINE, {}, auth);
        if (mine.code !== undefined) throw new Error(`issueMyToken: ${mine.answer.text}`);
        const token = field<{ token: string }>(mine, 'issueMyToken').token;
        tokens.push(token);
        ledger.mapped.set(user, decodeAccessToken(token).rawId ?? '');
        ledger.mappingInFlight.delete(user);
        if (n % 3 === 0) {
          step = 'deleteUser';
          ledger.deleteInFlight.add(user);
          const deleted = await graphql(
            gw,
            'mutation($u: ID!) { deleteUser(userId: $u) }',
            { u: ledger.mapped.get(user) },
            key,
          );
          if (deleted.code !== undefined) throw new Error(`deleteUser: ${deleted.answer.text}`);
          ledger.deleteInFlight.delete(user);
          ledger.deleted.add(user);
        }
        if (n % 2 === 0) {
          step = 'createUserAndToken';
          const created = await graphql(
            gw,
            'mutation { createUserAndToken(scopes: [VOIP]) { user { rawId } accessToken { token } } }',
            {},
            key,
          );
          if (created.code !== undefined) throw new Error(`createUserAndToken: ${created.answer.text}`);
          const result = created.data?.createUserAndToken as {
            user: { rawId: string };
            accessToken: { token: string };
          };
          tokens.push(result.accessToken.token);
          ledger.created.set(result.user.rawId, result.accessToken.token);
          step = 'revokeTokens';
          ledger.revokeInFlight.add(result.user.rawId);
          const revoked = await graphql(
            gw,
            'mutation($u: ID!) { revokeTokens(userId: $u) }',
            { u: result.user.rawId },
            key,
          );
          if (revoked.code !== undefined) throw new Error(`revokeTokens: ${revoked.answer.text}`);
          ledger.revokeInFlight.delete(result.user.rawId);
          ledger.revoked.add(result.user.rawId);
        }
      } catch (e) {
        if (killed) return;
        throw new Error(`${step} for ${user} failed before the kill: ${(e as Error).message}`);
      }
      if (ledger.mapped.size >= mappingsToReach && !killed) {
        killed = true;
        gw.child.kill('SIGKILL');
        kills += 1;
      }
    }
  };
  await Promise.all([loop(), loop(), loop(), loop()]);
  expect(await gw.stop('SIGKILL')).toBe('SIGKILL');
}

/** Runs `work` for every item, at most `width` at a time. */
async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
}

async function expectLedgerHolds(gw: GatewayChild, ledger: Ledger) {
  const users = new Set([...ledger.mapped.keys(), ...ledger.mappingInFlight]);
  await inParallel([...users], 6, async (user) => {
    const auth = await signIn(gw, user);
    const before = await graphql(gw, ME, {}, auth);
    const mapped = field<{ identity: { rawId: string } | null }>(before, 'me').identity?.rawId ?? null;
    if (ledger.deleted.has(user)) {
      expect([user, mapped]).toEqual([user, null]);
      const gone = await graphql(
        gw,
        'mutation($u: ID!) { issueToken(userId: $u, scopes: [CHAT]) { token } }',
        { u: ledger.mapped.get(user) },
        key,
      );
      expect([user, gone.code]).toEqual([user, 'NOT_FOUND']);
      return;
    }
    if (ledger.mapped.has(user) && !ledger.deleteInFlight.has(user))
      expect([user, mapped]).toEqual([user, ledger.mapped.get(user)]);
    // Whatever the user is mapped to is a live identity: issueMyToken keeps it (no dangling or half-made mapping).
    const mine = await graphql(gw, MINE, {}, auth);
    expect([user, mine.code]).toEqual([user, undefined]);
    const token = field<{ token: string }>(mine, 'issueMyToken').token;
    tokens.push(token);
    if (mapped !== null) expect([user, decodeAccessToken(token).rawId]).toEqual([user, mapped]);
  });
  await inParallel([...ledger.created], 6, async ([rawId, token]) => {
    const issued = await graphql(
      gw,
      'mutation($u: ID!) { issueToken(userId: $u, scopes: [CHAT]) { token } }',
      { u: rawId },
      key,
    );
    expect([rawId, issued.code]).toEqual([rawId, undefined]);
    tokens.push(field<{ token: string }>(issued, 'issueToken').token);
    const verdict = await verify(token);
    if (ledger.revoked.has(rawId))
      expect([rawId, verdict]).toMatchObject([rawId, { valid: false, reason: 'revoked' }]);
    else if (ledger.revokeInFlight.has(rawId)) expect(verdict.reason ?? 'valid').toMatch(/^(valid|revoked)$/);
    else expect([rawId, verdict]).toMatchObject([rawId, { valid: true }]);
  });
}

async function crashTwiceAndCheck(env: Record<string, string>) {
  const ledger: Ledger = {
    mapped: new Map(),
    mappingInFlight: new Set(),
    deleted: new Set(),
    deleteInFlight: new Set(),
    created: new Map(),
    revoked: new Set(),
    revokeInFlight: new Set(),
  };
  const prefix = `u${Date.now().toString(36)}`;
  await loadThenKill(await spawnOnEmulator(env), ledger, `${prefix}a`, 25);
  await loadThenKill(await spawnOnEmulator(env), ledger, `${prefix}b`, 50);
  const gw = await spawnOnEmulator(env);
  try {
    await expectLedgerHolds(gw, ledger);
  } finally {
    await gw.stop('SIGTERM');
  }
  expect(ledger.mapped.size).toBeGreaterThanOrEqual(50);
  expect(ledger.deleted.size).toBeGreaterThan(5);
  expect(ledger.revoked.size).toBeGreaterThan(5);
}

/** Spawning, loading, killing and checking twice takes 5-15 s; allow for a loaded CI machine. */
const CRASH_TEST_TIMEOUT_MS = 90_000;

describe('SIGKILL of the gateway in the middle of writes', () => {
  it(
    'loses no acknowledged mapping, create, revoke or delete and leaves nothing half-written (SQLite)',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'acs-gw-crash-'));
      try {
        await crashTwiceAndCheck({ ACS_IDENTITY_DATA_DIR: dataDir });
        const db = new Database(join(dataDir, 'gateway.db'), { readonly: true });
        try {
          expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        } finally {
          db.close();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    CRASH_TEST_TIMEOUT_MS,
  );

  it.runIf(databaseUrl)(
    'loses no acknowledged mapping, create, revoke or delete and leaves nothing half-written (PostgreSQL)',
    async () => {
      const url = databaseUrl ?? '';
      const schema = uniqueSchema('gw_crash');
      const dataDir = mkdtempSync(join(tmpdir(), 'acs-gw-crash-pg-'));
      try {
        await crashTwiceAndCheck({
          ACS_IDENTITY_DATA_DIR: dataDir,
          GATEWAY_DATABASE_URL: url,
          GATEWAY_DATABASE_SCHEMA: schema,
        });
      } finally {
        await dropSchema(url, schema);
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    CRASH_TEST_TIMEOUT_MS,
  );

  it('wrote no secret to its output, nor the emulator to its log', () => {
    const secrets: Record<string, string> = {
      adminKey: key,
      accessKey: accessKeyOf(emulator.info.connectionString),
      connectionString: emulator.info.connectionString,
      ...(databaseUrl === undefined ? {} : { databasePassword: `:${new URL(databaseUrl).password}@` }),
    };
    tokens.forEach((token, i) => {
      secrets[`token#${i}`] = token;
    });
    expect(outputs.length).toBeGreaterThan(0);
    expect(findSecrets(outputs.join('\n'), secrets)).toEqual([]);
    expect(findSecrets(emulatorLogs.map((l) => JSON.stringify(l)).join('\n'), secrets)).toEqual([]);
  });
});
