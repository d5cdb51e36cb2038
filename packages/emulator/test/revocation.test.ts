import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, readEmulatorInfo, rotateAccessKey } from '../src/index.js';
import { decodeToken } from '../src/tokens.js';
import { rawRequest, sdkClient, startTestEmulator, type TestEmulator, verify } from './support.js';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
beforeEach(() => {
  t.clock.now = Date.now();
});
afterAll(async () => {
  await t?.close();
});

describe('the verification endpoint', () => {
  it('reports a token issued before a revoke as revoked and one issued after it as valid, within the same instant', async () => {
    t.clock.now = Math.floor(Date.now() / 1000) * 1000; // exactly on a second boundary, clock frozen
    try {
      const client = sdkClient(t);
      const { user, token: before, expiresOn } = await client.createUserAndToken(['chat']);
      await client.revokeTokens(user);
      const { token: after } = await client.getToken(user, ['chat']);
      expect(await verify(t, before)).toEqual({
        valid: false,
        reason: 'revoked',
        identity: user.communicationUserId,
        expiresOn: `${expiresOn.toISOString().slice(0, 23)}0000+00:00`,
      });
      expect(await verify(t, after)).toMatchObject({ valid: true, identity: user.communicationUserId });
    } finally {
      t.clock.now = Date.now();
    }
  });

  it('reports an expired token as expired', async () => {
    const client = sdkClient(t);
    const { token } = await client.createUserAndToken(['chat'], { tokenExpiresInMinutes: 60 });
    t.clock.now += 61 * 60_000;
    try {
      expect(await verify(t, token)).toMatchObject({ valid: false, reason: 'expired' });
    } finally {
      t.clock.now = Date.now();
    }
  });

  it('reports a tampered token and one from another emulator as bad-signature, garbage as malformed', async () => {
    const { token } = await sdkClient(t).createUserAndToken(['chat']);
    const [h, c, s] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(c, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, acsScope: 'chat,voip' })).toString('base64url')}.${s}`;
    expect(await verify(t, forged)).toMatchObject({ valid: false, reason: 'bad-signature' });
    const other = await startTestEmulator();
    try {
      const { token: foreign } = await sdkClient(other).createUserAndToken(['chat']);
      expect(await verify(t, foreign)).toMatchObject({ valid: false, reason: 'bad-signature' });
    } finally {
      await other.close();
    }
    expect(await verify(t, 'not.a.jwt')).toEqual({ valid: false, reason: 'malformed' });
    const missing = await rawRequest(
      t,
      'POST',
      '/emulator/verify-token',
      { 'content-type': 'application/json' },
      Buffer.from('{}'),
    );
    expect(missing.status).toBe(400);
  });

  it('publishes a JWKS that verifies issued tokens', async () => {
    const { token } = await sdkClient(t).createUserAndToken(['voip']);
    const jwks = (await rawRequest(t, 'GET', '/emulator/jwks.json', {})).json as {
      keys: { kid: string; x5t: string; n: string; e: string; kty: string }[];
    };
    expect(jwks.keys).toHaveLength(2);
    const decoded = decodeToken(token);
    if (!decoded) throw new Error('the emulator issued a token that is not a JWT');
    const jwk = jwks.keys.find((k) => k.kid === decoded.header.kid);
    expect(jwk?.x5t).toBe((decoded.header as { x5t?: string }).x5t);
    const publicKey = createPublicKey({
      key: { kty: 'RSA', n: jwk?.n ?? '', e: jwk?.e ?? '' },
      format: 'jwk',
    });
    // Verified independently of the emulator's own code: node:crypto over the compact JWS's signed part.
    const signingInput = token.slice(0, token.lastIndexOf('.'));
    const signature = Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url');
    expect(verifySignature('sha256', Buffer.from(signingInput), publicKey, signature)).toBe(true);
  });
});

describe('access key rotation', () => {
  it('revokes the tokens issued under the rotated key, keeps the other key working and refreshes emulator.json', async () => {
    const oldPrimary = t.info.connectionString;
    const secondary = t.info.secondaryConnectionString;
    const { user, token: underPrimary } = await sdkClient(t, oldPrimary).createUserAndToken(['chat']);
    const { token: underSecondary } = await sdkClient(t, secondary).getToken(user, ['chat']);
    const oldKid = decodeToken(underPrimary)?.header.kid;

    const rotated = await rotateAccessKey({ dataDir: t.info.dataDir }, 'primary');
    expect(rotated.generation).toBe(2);
    const refreshed = readEmulatorInfo(t.info.dataDir);
    expect(refreshed?.connectionString).toBe(rotated.info?.connectionString);
    expect(refreshed?.connectionString).not.toBe(oldPrimary);
    expect(refreshed?.secondaryConnectionString).toBe(secondary);

    expect(await verify(t, underPrimary)).toMatchObject({ valid: false, reason: 'key-rotated' });
    expect(await verify(t, underSecondary)).toMatchObject({ valid: true });
    await expect(sdkClient(t, oldPrimary).createUser()).rejects.toMatchObject({ statusCode: 401 });
    const fresh = await sdkClient(t, refreshed?.connectionString).getToken(user, ['chat']);
    expect(await verify(t, fresh.token)).toMatchObject({ valid: true });
    const jwks = (await rawRequest(t, 'GET', '/emulator/jwks.json', {})).json as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).not.toContain(oldKid);
  });

  it('rejects an unknown key name', async () => {
    await expect(rotateAccessKey({ dataDir: t.info.dataDir }, 'tertiary' as 'primary')).rejects.toThrow(
      /primary' or 'secondary/,
    );
  });
});

describe('restart', () => {
  it('keeps the resource, keys, identities and revocations across a restart', async () => {
    const first = await startTestEmulator();
    const client = sdkClient(first);
    const { user, token: revokedToken } = await client.createUserAndToken(['chat']);
    await client.revokeTokens(user);
    const { token: validToken } = await client.getToken(user, ['voip']);
    const deleted = await client.createUserAndToken(['chat']);
    await client.deleteUser(deleted.user);
    const { dataDir, resourceId } = first.info;
    const ca = await readFile(first.info.caCertFile ?? '', 'utf8');
    await first.emulator.close();

    const second = await createEmulator({ port: 0, dataDir, logger: false, rateLimits: false });
    try {
      const info = await second.listen();
      expect(info.resourceId).toBe(resourceId);
      expect(await readFile(info.caCertFile ?? '', 'utf8')).toBe(ca);
      const again = { ...first, info, emulator: second as never };
      expect(await verify(again, revokedToken)).toMatchObject({ valid: false, reason: 'revoked' });
      expect(await verify(again, validToken)).toMatchObject({ valid: true });
      expect(await verify(again, deleted.token)).toMatchObject({ valid: false, reason: 'identity-deleted' });
      await expect(sdkClient(again).getToken(user, ['chat'])).resolves.toMatchObject({
        token: expect.any(String),
      });
    } finally {
      await second.close();
      await first.close();
    }
  });
});
