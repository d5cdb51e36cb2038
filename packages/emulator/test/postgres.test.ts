import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateAccessKey } from '../src/index.js';
import {
  dropSchema,
  sdkClient,
  startTestEmulator,
  type TestEmulator,
  testDatabaseUrl,
  uniqueSchema,
  verify,
} from './support.js';

const url = testDatabaseUrl();

describe.runIf(url)('two emulator instances sharing one PostgreSQL database', () => {
  const databaseUrl = url ?? '';
  const databaseSchema = uniqueSchema('pair');
  let a: TestEmulator;
  let b: TestEmulator;
  beforeAll(async () => {
    a = await startTestEmulator({ databaseUrl, databaseSchema });
    b = await startTestEmulator({ databaseUrl, databaseSchema });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await dropSchema(databaseUrl, databaseSchema);
  });

  it('serve the same resource with the same access keys', () => {
    expect(a.info.storage).toBe('postgres');
    expect(b.info.resourceId).toBe(a.info.resourceId);
    const key = (cs: string) => cs.split(';accesskey=')[1];
    expect(key(b.info.connectionString)).toBe(key(a.info.connectionString));
  });

  it('agree on identities, revocations and deletions', async () => {
    const onA = sdkClient(a);
    const onB = sdkClient(b, b.info.connectionString);
    const { user, token: fromA } = await onA.createUserAndToken(['chat']);
    const { token: fromB } = await onB.getToken(user, ['voip'], { tokenExpiresInMinutes: 60 });
    expect(await verify(a, fromB)).toMatchObject({ valid: true });
    await onB.revokeTokens(user);
    const { token: afterRevoke } = await onA.getToken(user, ['chat']);
    expect(await verify(a, fromA)).toMatchObject({ valid: false, reason: 'revoked' });
    expect(await verify(b, fromB)).toMatchObject({ valid: false, reason: 'revoked' });
    expect(await verify(b, afterRevoke)).toMatchObject({ valid: true });
    await onA.deleteUser(user);
    expect(await verify(b, afterRevoke)).toMatchObject({ valid: false, reason: 'identity-deleted' });
    await expect(onB.getToken(user, ['chat'])).rejects.toMatchObject({
      statusCode: 404,
      code: 'IdentityNotFound',
    });
  });

  it('both honour an access key rotation done from outside', async () => {
    const oldKey = a.info.secondaryConnectionString.split(';accesskey=')[1];
    const oldOnA = a.info.secondaryConnectionString;
    const oldOnB = `endpoint=${b.info.endpoint};accesskey=${oldKey}`;
    const { token } = await sdkClient(b, oldOnB).createUserAndToken(['chat']);
    await rotateAccessKey({ databaseUrl, databaseSchema, dataDir: a.info.dataDir }, 'secondary');
    expect(await verify(a, token)).toMatchObject({ valid: false, reason: 'key-rotated' });
    // Instances re-read access keys at most a second late (PostgreSQL): move their clocks past that.
    a.clock.now += 1_001;
    b.clock.now += 1_001;
    await expect(sdkClient(b, oldOnB).createUser()).rejects.toMatchObject({ statusCode: 401 });
    await expect(sdkClient(a, oldOnA).createUser()).rejects.toMatchObject({ statusCode: 401 });
    await expect(sdkClient(a).createUser()).resolves.toMatchObject({
      communicationUserId: expect.any(String),
    });
  });
});
