// Security properties of the emulator: TLS 1.2 at least, HMAC keys compared in constant time, rate limits with a
// retry-after, tokens bound to their identity, and no secret in any log line or error body.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecureVersion } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmulatorLogEntry, type RunningEmulator, startEmulator } from '../src/index.js';
import {
  type Answer,
  API,
  accessKeyOf,
  connectTls,
  createIdentity,
  errorCodeOf,
  findSecrets,
  rawTls,
  type SignOptions,
  send,
  signed,
  signHeaders,
  type Target,
  verifyToken,
} from './support-reliability.js';

let emulator: RunningEmulator;
let dataDir: string;
let t: Target;
const clock = { now: Date.now() };
const logs: EmulatorLogEntry[] = [];
const answers: Answer[] = [];
const tokens: string[] = [];

const call = async (o: SignOptions) => {
  const answer = await signed(t, { date: new Date(clock.now).toUTCString(), ...o });
  answers.push(answer);
  const token = (answer.json as { token?: string; accessToken?: { token?: string } } | undefined)?.token;
  if (token) tokens.push(token);
  return answer;
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'acs-emulator-security-'));
  emulator = await startEmulator({
    port: 0,
    dataDir,
    logger: (e) => logs.push(e),
    now: () => clock.now,
    rateLimits: { windowMs: 30_000, issue: 5, revoke: 3 },
  });
  t = { info: emulator.info, ca: await readFile(emulator.info.caCertFile ?? '', 'utf8') };
});

afterAll(async () => {
  await emulator?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Resolves with the negotiated protocol, or rejects with the handshake error. */
function handshake(maxVersion: SecureVersion, minVersion: SecureVersion = 'TLSv1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectTls(t, {
      minVersion,
      maxVersion,
      // Let this client offer old protocols at all (OpenSSL 3 refuses them at the default security level), so a
      // failure is the server's refusal.
      ciphers: 'DEFAULT:@SECLEVEL=0',
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('handshake hung'));
    }, 5000);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const protocol = socket.getProtocol() ?? 'unknown';
      socket.end();
      resolve(protocol);
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

describe('TLS', () => {
  it.each(['TLSv1', 'TLSv1.1'] as const)('refuses a client limited to %s', async (version) => {
    await expect(handshake(version)).rejects.toThrow();
  });

  it('accepts TLS 1.2 and TLS 1.3', async () => {
    expect(await handshake('TLSv1.2', 'TLSv1.2')).toBe('TLSv1.2');
    expect(await handshake('TLSv1.3', 'TLSv1.3')).toBe('TLSv1.3');
  });
});

describe('request signatures', () => {
  it('accepts both access keys and nothing else', async () => {
    const primary = accessKeyOf(t.info.connectionString);
    const secondary = accessKeyOf(emulator.info.secondaryConnectionString);
    expect((await call({ target: `/identities?${API}`, accessKey: primary })).status).toBe(201);
    expect((await call({ target: `/identities?${API}`, accessKey: secondary })).status).toBe(201);
    // The primary key with one bit flipped, truncated, or doubled.
    const bytes = Buffer.from(primary, 'base64');
    const flipped = Buffer.from(bytes);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    for (const wrong of [flipped, bytes.subarray(0, 32), Buffer.concat([bytes, bytes])]) {
      const answer = await call({ target: `/identities?${API}`, accessKey: wrong.toString('base64') });
      expect([answer.status, errorCodeOf(answer)]).toEqual([401, 'Denied']);
    }
  });

  it('gives the same answer for every kind of bad signature, saying nothing about the key', async () => {
    const good = accessKeyOf(t.info.connectionString);
    const bodies = await Promise.all(
      [
        { authorization: 'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=AAAA' },
        { accessKey: Buffer.alloc(64, 1).toString('base64') },
        { accessKey: good, signedContentHash: 'AAAA' },
        { authorization: null },
      ].map(async (o) => (await call({ target: `/identities?${API}`, ...o })).json),
    );
    for (const body of bodies) {
      expect(body).toEqual({ error: { code: 'Denied', message: 'Denied by the resource provider.' } });
    }
  });
});

describe('canonical signatures (issue 17)', () => {
  it('refuses a right signature with anything after its base64 padding, or written another way', async () => {
    const target = `/identities?${API}`;
    const headers = signHeaders(t, { target, date: new Date(clock.now).toUTCString() });
    const signature = /Signature=(.*)$/.exec(headers.authorization ?? '')?.[1] ?? '';
    expect(signature).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const variants = [
      `${signature}junk`, // junk after the padding: Node's decoder stops at the '='
      `${signature}=`,
      `${signature}AAAA`,
      signature.slice(0, -1), // unpadded
      `${signature.slice(0, -2)}${String.fromCharCode(signature.charCodeAt(42) + 1)}=`, // non-zero unused bits
    ];
    for (const variant of variants) {
      const answer = await send(t, 'POST', target, {
        ...headers,
        authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${variant}`,
      });
      answers.push(answer);
      expect([variant, answer.status, errorCodeOf(answer)]).toEqual([variant, 401, 'Denied']);
    }
    expect((await send(t, 'POST', target, headers)).status).toBe(201);
  });

  it('refuses a body hash written another way than the canonical base64 of its SHA-256', async () => {
    const target = `/identities?${API}`;
    const date = new Date(clock.now).toUTCString();
    const good = signHeaders(t, { target, date });
    const hash = good['x-ms-content-sha256'] ?? '';
    for (const variant of [`${hash}junk`, hash.slice(0, -1)]) {
      // Signed over the odd hash, as a client that sends it would sign.
      const headers = signHeaders(t, { target, date, signedContentHash: variant });
      const answer = await send(t, 'POST', target, { ...headers, 'x-ms-content-sha256': variant });
      answers.push(answer);
      expect([variant, answer.status, errorCodeOf(answer)]).toEqual([variant, 401, 'Denied']);
    }
  });
});

describe('failed authentications (issue 17: decided, as the service)', () => {
  it('answer 401 each time, never 429, and the right key works at once after 300 of them', async () => {
    const target = `/identities?${API}`;
    const statuses = new Set<number>();
    for (let round = 0; round < 10; round += 1) {
      const batch = await Promise.all(
        Array.from({ length: 30 }, () =>
          send(t, 'POST', target, {
            ...signHeaders(t, { target, date: new Date(clock.now).toUTCString() }),
            authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${Buffer.alloc(32, round).toString('base64')}`,
          }),
        ),
      );
      for (const answer of batch) statuses.add(answer.status);
    }
    expect([...statuses]).toEqual([401]);
    expect((await call({ target })).status).toBe(201);
  });
});

/** A GET over raw TLS with the given `Host` header (node:https would check the certificate against it); the JSON body. */
async function getWithHost(target: Target, path: string, host: string, headers = ''): Promise<unknown> {
  const text = await rawTls(
    target,
    `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${headers}Connection: close\r\n\r\n`,
  );
  expect(text.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
  return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
}

describe('discovery documents (issue 17)', () => {
  const discoveryPath = () => `/entra/${emulator.entra.tenantId}/v2.0/.well-known/openid-configuration`;

  it("name the emulator's own endpoint whatever Host (or X-Forwarded-Host) header a request carries", async () => {
    for (const host of ['evil.example', 'evil.example:8443', `127.0.0.1:${emulator.info.port}`]) {
      expect(
        await getWithHost(t, discoveryPath(), host, 'X-Forwarded-Host: forwarded.example\r\n'),
      ).toMatchObject({
        issuer: `${emulator.info.endpoint}entra/${emulator.entra.tenantId}/v2.0`,
        jwks_uri: `${emulator.info.endpoint}entra/${emulator.entra.tenantId}/discovery/v2.0/keys`,
        token_endpoint: `${emulator.info.endpoint}entra/${emulator.entra.tenantId}/oauth2/v2.0/token`,
        authorization_endpoint: `${emulator.info.endpoint}entra/${emulator.entra.tenantId}/oauth2/v2.0/authorize`,
      });
    }
    const minted = await getWithHost(
      t,
      '/managed-identity/token?api-version=2019-08-01&resource=https://communication.azure.com',
      'evil.example',
      `X-IDENTITY-HEADER: ${emulator.info.identityHeader ?? ''}\r\n`,
    );
    const token = (minted as { access_token: string }).access_token;
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      iss: string;
    };
    expect(claims.iss).toBe(emulator.info.entraIssuer);
  });

  it('name the configured public endpoint, in emulator.json and the tokens the issuer mints too', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'acs-emulator-public-'));
    const publicEndpoint = 'https://acs-emulator.example:9443/';
    const behindProxy = await startEmulator({ port: 0, dataDir: folder, logger: false, publicEndpoint });
    try {
      const target = {
        info: behindProxy.info,
        ca: await readFile(behindProxy.info.caCertFile ?? '', 'utf8'),
      };
      const tenant = behindProxy.entra.tenantId;
      const discovery = `/entra/${tenant}/v2.0/.well-known/openid-configuration`;
      expect(await getWithHost(target, discovery, 'evil.example')).toMatchObject({
        issuer: `${publicEndpoint}entra/${tenant}/v2.0`,
        jwks_uri: `${publicEndpoint}entra/${tenant}/discovery/v2.0/keys`,
        token_endpoint: `${publicEndpoint}entra/${tenant}/oauth2/v2.0/token`,
      });
      expect(behindProxy.info.entraIssuer).toBe(`${publicEndpoint}entra/${tenant}/v2.0`);
      expect(behindProxy.info.entraAuthorityHost).toBe(`${publicEndpoint}entra`);
      expect(behindProxy.entra.authorityHost).toBe(`${publicEndpoint}entra`);
      const app = await behindProxy.registerEntraApp({ secret: 'proxy-secret' });
      const form = `grant_type=client_credentials&client_id=${app.appId}&client_secret=proxy-secret&scope=${encodeURIComponent('https://communication.azure.com/.default')}`;
      const answer = await rawTls(
        target,
        `POST /entra/${tenant}/oauth2/v2.0/token HTTP/1.1\r\nHost: evil.example\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\nConnection: close\r\n\r\n${form}`,
      );
      const { access_token } = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as {
        access_token: string;
      };
      const issued = JSON.parse(Buffer.from(access_token.split('.')[1] ?? '', 'base64url').toString('utf8'));
      expect(issued.iss).toBe(behindProxy.info.entraIssuer);
      expect(behindProxy.info.endpoint).toBe(`https://127.0.0.1:${behindProxy.info.port}/`);
      expect(
        behindProxy.mintEntraToken({ principal: behindProxy.entra.systemAssigned.principalId }).claims.iss,
      ).toBe(behindProxy.info.entraIssuer);
    } finally {
      await behindProxy.close();
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('rate limits', () => {
  it('answers 429 with retry-after once an operation is over its limit, and serves again after the window', async () => {
    const { id } = await createIdentity(t);
    const issue = () =>
      call({
        target: `/identities/${encodeURIComponent(id)}/:issueAccessToken?${API}`,
        body: '{"scopes":["chat"]}',
      });
    for (let i = 0; i < 5; i += 1) expect((await issue()).status).toBe(200);
    const limited = await issue();
    expect(limited.status).toBe(429);
    expect(errorCodeOf(limited)).toBe('TooManyRequests');
    const seconds = Number(limited.headers['retry-after']);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(30);
    expect(Number(limited.headers['retry-after-ms'])).toBeGreaterThan(0);
    expect(Number(limited.headers['x-ms-retry-after-ms'])).toBe(Number(limited.headers['retry-after-ms']));
    // Other operations have their own budget.
    expect((await call({ target: `/identities?${API}` })).status).toBe(201);
    clock.now += seconds * 1000 + 1;
    expect((await issue()).status).toBe(200);
  });
});

describe('tokens', () => {
  it('are bound to their identity: a revoke or delete of another identity does not touch them', async () => {
    const alice = await createIdentity(t, ['chat']);
    const bob = await createIdentity(t, ['chat']);
    tokens.push(alice.token ?? '', bob.token ?? '');
    clock.now += 1000;
    expect(
      (await call({ target: `/identities/${encodeURIComponent(bob.id)}/:revokeAccessTokens?${API}` })).status,
    ).toBe(204);
    expect(await verifyToken(t, alice.token ?? '')).toMatchObject({ valid: true });
    expect(await verifyToken(t, bob.token ?? '')).toMatchObject({ valid: false, reason: 'revoked' });
    expect(
      (await call({ method: 'DELETE', target: `/identities/${encodeURIComponent(bob.id)}?${API}` })).status,
    ).toBe(204);
    expect(await verifyToken(t, alice.token ?? '')).toMatchObject({ valid: true });
  });

  it('cannot be re-pointed at another identity by editing the claims', async () => {
    const alice = await createIdentity(t, ['chat']);
    const bob = await createIdentity(t, ['chat']);
    const [header, payload, signature] = (alice.token ?? '').split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as {
      skypeid: string;
    };
    claims.skypeid = bob.id.slice(2);
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expect(await verifyToken(t, forged)).toMatchObject({ valid: false, reason: 'bad-signature' });
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    expect((await verifyToken(t, none)).valid).toBe(false);
  });
});

describe('Entra tokens', () => {
  it('are exchanged for Teams users and never echoed when refused', async () => {
    const teamsUser = '45ab2481-1c1c-4005-be24-0ffb879b1130';
    const appId = '0bd1f6a4-4d6f-4f0b-9a5e-1d4b3b6c1e11';
    const entra = emulator.mintEntraToken({ teamsUser, appId, expiresInSeconds: 3600 });
    const expired = emulator.mintEntraToken({ teamsUser, appId, expiresInSeconds: 0 });
    tokens.push(entra.token, expired.token);
    const exchange = (body: Record<string, string>) =>
      call({ target: `/teamsUser/:exchangeAccessToken?${API}`, body: JSON.stringify(body) });
    expect((await exchange({ token: entra.token, appId, userId: teamsUser })).status).toBe(200);
    const refused = [
      await exchange({
        token: entra.token,
        appId: '00000000-0000-0000-0000-000000000001',
        userId: teamsUser,
      }),
      await exchange({ token: entra.token, appId, userId: '00000000-0000-0000-0000-000000000002' }),
      await exchange({ token: expired.token, appId, userId: teamsUser }),
      await exchange({ token: `${entra.token}x`, appId, userId: teamsUser }),
    ];
    expect(refused.map((a) => [a.status, errorCodeOf(a)])).toEqual([
      [400, 'ValidationError'],
      [400, 'ValidationError'],
      [401, 'InvalidAccessToken'],
      [401, 'InvalidAccessToken'],
    ]);
  });
});

describe('secrets', () => {
  it('never appear in a log line or a response body of this suite', () => {
    const secrets: Record<string, string> = {
      accessKey: accessKeyOf(emulator.info.connectionString),
      secondaryKey: accessKeyOf(emulator.info.secondaryConnectionString),
      connectionString: emulator.info.connectionString,
    };
    tokens.forEach((token, i) => {
      secrets[`token#${i}`] = token;
      secrets[`tokenSignature#${i}`] = token.split('.')[2] ?? '';
    });
    expect(logs.length).toBeGreaterThan(10);
    expect(findSecrets(logs.map((l) => JSON.stringify(l)).join('\n'), secrets)).toEqual([]);
    // Error bodies only: a successful issue returns its token by design.
    const errorBodies = answers.filter((a) => a.status >= 400).map((a) => a.text);
    expect(errorBodies.length).toBeGreaterThan(5);
    expect(findSecrets(errorBodies.join('\n'), secrets)).toEqual([]);
  });
});
