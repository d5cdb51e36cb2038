// The gateway's hot paths, issueToken and the create with a custom id that issues a token, each as one HMAC-signed
// request, held to the same results as `@acs-identity/core`'s client (over @azure/communication-identity and the Azure
// core pipeline) against the emulator: identities, tokens, lifetimes and every error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeAccessToken, isAcsIdentityError } from '@acs-identity/core';
import { createIdentityClient, type IdentityClient } from '@acs-identity/core/node';
import { type RunningEmulator, startEmulator } from '@acs-identity/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenIssuer, directPathAllowed, type TokenIssuer } from '../src/token-issuer.js';

let emulator: RunningEmulator;
let throttling: RunningEmulator;
const dirs: string[] = [];
const issuers: TokenIssuer[] = [];

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'acs-gateway-issuer-'));
  dirs.push(dir);
  return dir;
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, dataDir: folder(), logger: false, rateLimits: false });
  throttling = await startEmulator({
    port: 0,
    dataDir: folder(),
    logger: false,
    rateLimits: { issue: 1, windowMs: 60_000 },
    // Held at the start of the current minute, so the wait it asks for is the whole window.
    now: () => Math.floor(Date.now() / 60_000) * 60_000,
  });
});

afterAll(async () => {
  for (const issuer of issuers) issuer.close();
  await emulator?.close();
  await throttling?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The SDK client and the direct path, on the same resource. */
function both(on: RunningEmulator, connectionString = on.info.connectionString) {
  const options = { connectionString, caCertFile: on.info.caCertFile ?? '' };
  const sdk: IdentityClient = createIdentityClient({ ...options, retry: { maxRetries: 0 } });
  const direct = createTokenIssuer(options);
  issuers.push(direct);
  return { sdk, direct };
}

/** What a caller can tell of a failure: code, status, service code, field and message. */
async function failureOf(attempt: Promise<unknown>) {
  const e = await attempt.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!isAcsIdentityError(e)) throw new Error(`expected an AcsIdentityError, got ${String(e)}`);
  return {
    code: e.code,
    status: e.status,
    serviceCode: e.serviceCode,
    target: e.target,
    message: e.message,
    retryAfterMs: e.retryAfterMs,
  };
}

describe('the direct issueToken path', () => {
  it('issues the same tokens as the SDK client: identity, scopes and lifetime', async () => {
    const { sdk, direct } = both(emulator);
    const { rawId } = await sdk.createUser();
    for (const [scopes, minutes] of [
      [['chat'], undefined],
      [['voip', 'chat.join'], 60],
    ] as const) {
      const options = minutes === undefined ? {} : { expiresInMinutes: minutes };
      const [viaSdk, viaDirect] = [
        await sdk.issueToken(rawId, scopes, options),
        await direct.issueToken(rawId, scopes, options),
      ];
      const shape = (t: { token: string; expiresOn: Date }) => {
        const decoded = decodeAccessToken(t.token);
        return {
          rawId: decoded.rawId,
          scopes: decoded.scopes,
          minutes: Math.round((t.expiresOn.getTime() - Date.now()) / 60_000),
        };
      };
      expect(shape(viaDirect)).toEqual(shape(viaSdk));
      expect(shape(viaDirect).rawId).toBe(rawId);
    }
  });

  it('fails like the SDK client for a deleted identity, a foreign one and a wrong key', async () => {
    const { sdk, direct } = both(emulator);
    const { rawId } = await sdk.createUser();
    await sdk.deleteUser(rawId);
    const foreign = '8:acs:bbbcbc1e-9f06-482a-b5d8-20e3f26ef0cd_45ab2481-1c1c-4005-be24-0ffb879b1130';
    const wrongKey = both(
      emulator,
      emulator.info.connectionString.replace(
        /accesskey=[^;]+/,
        `accesskey=${Buffer.from('x'.repeat(32)).toString('base64')}`,
      ),
    );
    const cases: Record<string, [() => Promise<unknown>, () => Promise<unknown>]> = {
      deleted: [() => sdk.issueToken(rawId, ['chat']), () => direct.issueToken(rawId, ['chat'])],
      foreign: [() => sdk.issueToken(foreign, ['chat']), () => direct.issueToken(foreign, ['chat'])],
      wrongKey: [
        () => wrongKey.sdk.issueToken(rawId, ['chat']),
        () => wrongKey.direct.issueToken(rawId, ['chat']),
      ],
    };
    for (const [name, [viaSdk, viaDirect]] of Object.entries(cases)) {
      expect(await failureOf(viaDirect()), name).toEqual(await failureOf(viaSdk()));
    }
  });

  it('passes the service throttling on with its retry-after, like the SDK client', async () => {
    const { sdk, direct } = both(throttling);
    const [first, second] = [await sdk.createUser(), await sdk.createUser()];
    await direct.issueToken(first.rawId, ['chat']);
    const viaDirect = await failureOf(direct.issueToken(second.rawId, ['chat']));
    const viaSdk = await failureOf(sdk.issueToken(second.rawId, ['chat']));
    expect(viaDirect).toEqual(viaSdk);
    expect(viaDirect).toMatchObject({ code: 'THROTTLED', retryAfterMs: 60_000 });
  });

  it('fails like the SDK client when the service cannot be reached', async () => {
    const connectionString = `endpoint=https://127.0.0.1:9/;accesskey=${Buffer.from('k'.repeat(32)).toString('base64')}`;
    const { sdk, direct } = both(emulator, connectionString);
    const id = '8:acs:bbbcbc1e-9f06-482a-b5d8-20e3f26ef0cd_45ab2481-1c1c-4005-be24-0ffb879b1130';
    const [viaSdk, viaDirect] = [
      await failureOf(sdk.issueToken(id, ['chat'])),
      await failureOf(direct.issueToken(id, ['chat'])),
    ];
    expect(viaDirect.code).toBe('SERVICE_UNAVAILABLE');
    expect(viaDirect.code).toBe(viaSdk.code);
  });

  it('issues for a custom id as the client does: one identity per custom id, its details and the token', async () => {
    const { sdk, direct } = both(emulator);
    const customId = `oidc:contract:${Date.now()}`;
    const viaDirect = await direct.issueForCustomId(customId, ['chat', 'voip'], { expiresInMinutes: 60 });
    const viaSdk = await sdk.createUserAndToken(['chat', 'voip'], { customId, expiresInMinutes: 60 });
    const again = await direct.issueForCustomId(customId, ['voip']);
    const shape = (t: { rawId: string; customId?: string; token: string; expiresOn: Date }) => ({
      rawId: t.rawId,
      customId: t.customId,
      tokenFor: decodeAccessToken(t.token).rawId,
      scopes: decodeAccessToken(t.token).scopes,
      minutes: Math.round((t.expiresOn.getTime() - Date.now()) / 60_000),
    });
    expect(shape(viaDirect)).toEqual(shape(viaSdk));
    expect(shape(viaDirect)).toMatchObject({ customId, tokenFor: viaDirect.rawId, minutes: 60 });
    expect(shape(again)).toMatchObject({ rawId: viaDirect.rawId, scopes: ['voip'], minutes: 1440 });
    expect(again.lastTokenIssuedAt?.getTime()).toBeGreaterThanOrEqual(
      viaSdk.lastTokenIssuedAt?.getTime() ?? 0,
    );
    expect((await sdk.getUser(viaDirect.rawId)).lastTokenIssuedAt).toEqual(again.lastTokenIssuedAt);
  });

  it('fails for a custom id like the client: a wrong key, a scope the service refuses, no service', async () => {
    const { direct } = both(emulator);
    const wrongKey = both(
      emulator,
      emulator.info.connectionString.replace(
        /accesskey=[^;]+/,
        `accesskey=${Buffer.from('x'.repeat(32)).toString('base64')}`,
      ),
    );
    const down = both(
      emulator,
      `endpoint=https://127.0.0.1:9/;accesskey=${Buffer.from('k'.repeat(32)).toString('base64')}`,
    );
    const customId = `oidc:contract-failures:${Date.now()}`;
    expect(await failureOf(wrongKey.direct.issueForCustomId(customId, ['chat']))).toEqual(
      await failureOf(wrongKey.sdk.createUserAndToken(['chat'], { customId })),
    );
    // The client refuses a scope it does not know before sending; the service refuses it in its own words.
    expect(await failureOf(direct.issueForCustomId(customId, ['teleport']))).toMatchObject({
      code: 'INVALID_INPUT',
      status: 400,
    });
    const [viaSdk, viaDirect] = [
      await failureOf(down.sdk.createUserAndToken(['chat'], { customId })),
      await failureOf(down.direct.issueForCustomId(customId, ['chat'])),
    ];
    expect([viaDirect.code, viaSdk.code]).toEqual(['SERVICE_UNAVAILABLE', 'SERVICE_UNAVAILABLE']);
  });

  it('is taken only where no proxy is configured, or for a loopback endpoint', () => {
    expect(directPathAllowed('https://res.communication.azure.com/', {})).toBe(true);
    expect(
      directPathAllowed('https://res.communication.azure.com/', { HTTPS_PROXY: 'http://proxy:3128' }),
    ).toBe(false);
    expect(directPathAllowed('https://127.0.0.1:8443/', { HTTPS_PROXY: 'http://proxy:3128' })).toBe(true);
  });
});
