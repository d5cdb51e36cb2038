import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnNodeScript } from '@acs-identity/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEmulatorInfo } from '../src/index.js';
import { decodeToken } from '../src/tokens.js';
import {
  type ChildEmulator,
  MAIN_JS,
  PACKAGE_DIR,
  pythonAzure,
  rawRequest,
  sdkClient,
  spawnEmulator,
  tempDir,
} from './support.js';

const run = promisify(execFile);

let dir: Awaited<ReturnType<typeof tempDir>>;
let emu: ChildEmulator;
beforeAll(async () => {
  dir = await tempDir();
  emu = await spawnEmulator(dir.path);
});
afterAll(async () => {
  await emu?.stop();
  await dir?.remove();
});

async function verify(token: string): Promise<Record<string, unknown>> {
  const res = await rawRequest(
    emu,
    'POST',
    '/emulator/verify-token',
    { 'content-type': 'application/json' },
    Buffer.from(JSON.stringify({ token })),
  );
  return res.json as Record<string, unknown>;
}

describe('the emulator as a child process', () => {
  it('prints the connection string and how to trust its CA', () => {
    expect(emu.info.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    expect(emu.stderr()).toContain(emu.info.connectionString);
    expect(emu.stderr()).toContain(`NODE_EXTRA_CA_CERTS=${emu.info.caCertFile}`);
    expect(emu.stderr()).toContain(`REQUESTS_CA_BUNDLE=${emu.info.caCertFile}`);
  });

  it('serves the JS SDK started with NODE_EXTRA_CA_CERTS in another process', async () => {
    const script = `
      const { CommunicationIdentityClient } = require('@azure/communication-identity');
      (async () => {
        const client = new CommunicationIdentityClient(process.env.ACS_CONNECTION_STRING);
        const { user, token } = await client.createUserAndToken(['chat']);
        const issued = await client.getToken(user, ['voip'], { tokenExpiresInMinutes: 120 });
        await client.revokeTokens(user);
        await client.deleteUser(user);
        let error;
        try { await client.getToken(user, ['chat']); } catch (e) { error = { status: e.statusCode, code: e.code }; }
        console.log(JSON.stringify({ id: user.communicationUserId, token, issued: issued.token, error }));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const { stdout } = await run(process.execPath, ['-e', script], {
      cwd: PACKAGE_DIR,
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: emu.info.caCertFile,
        ACS_CONNECTION_STRING: emu.info.connectionString,
      },
    });
    const result = JSON.parse(stdout) as { id: string; token: string; issued: string; error: unknown };
    expect(result.id.startsWith(`8:acs:${emu.info.resourceId}_`)).toBe(true);
    expect(result.error).toEqual({ status: 404, code: 'IdentityNotFound' });
    const claims = decodeToken(result.issued)?.claims;
    expect((claims?.exp as number) - (claims?.iat as number)).toBe(7200);
    expect(await verify(result.token)).toMatchObject({ valid: false, reason: 'identity-deleted' });
  });

  it('serves the Python SDK (python3-azure) with REQUESTS_CA_BUNDLE', async () => {
    const python = pythonAzure();
    if (!python) return;
    const { stdout } = await run(python, [join(PACKAGE_DIR, 'test', 'fixtures', 'python_flow.py')], {
      env: {
        ...process.env,
        REQUESTS_CA_BUNDLE: emu.info.caCertFile,
        ACS_CONNECTION_STRING: emu.info.connectionString,
      },
    });
    const out = JSON.parse(stdout) as {
      user: string;
      userWithToken: string;
      createToken: { token: string; expiresOn: string };
      defaultToken: { token: string; expiresOn: string };
      hourToken: { token: string; expiresOn: string };
      tooShort: unknown;
      afterRevokeToken: string;
      afterDelete: unknown;
      async: { user: string; token: string };
    };
    expect(out.user.startsWith(`8:acs:${emu.info.resourceId}_`)).toBe(true);
    const minutes = (token: string) => {
      const c = decodeToken(token)?.claims;
      return ((c?.exp as number) - (c?.iat as number)) / 60;
    };
    expect(minutes(out.createToken.token)).toBe(1440);
    expect(minutes(out.defaultToken.token)).toBe(1440);
    expect(minutes(out.hourToken.token)).toBe(60);
    // expiresOn is the exact instant (sub-second digits of the issue instant); exp its whole second.
    expect(Math.floor(new Date(out.hourToken.expiresOn).getTime() / 1000)).toBe(
      decodeToken(out.hourToken.token)?.claims.exp as number,
    );
    expect(out.tooShort).toEqual({
      status: 400,
      code: 'ValidationError',
      message: 'ExpiresInMinutes value 59 is invalid. Value must be within the [60, 1440] interval.',
    });
    expect(out.afterDelete).toMatchObject({ status: 404, code: 'IdentityNotFound' });
    expect(await verify(out.defaultToken.token)).toMatchObject({ valid: false, reason: 'identity-deleted' });
    expect(await verify(out.createToken.token)).toMatchObject({ valid: true });
    // The asyncio client (aiohttp) signs the percent-decoded path and sends the id unescaped: accepted too.
    expect(out.async.user.startsWith(`8:acs:${emu.info.resourceId}_`)).toBe(true);
    expect(await verify(out.async.token)).toMatchObject({ valid: false, reason: 'identity-deleted' });
  });

  it('works for the in-process SDK too and answers with the Python default api-version', async () => {
    const client = sdkClient(emu);
    const user = await client.createUser();
    await expect(client.getToken(user, ['chat.join.limited'])).resolves.toMatchObject({
      token: expect.any(String),
    });
  });

  it('stops on SIGTERM with exit code 0 and removes emulator.json', async () => {
    const own = await tempDir();
    try {
      const child = await spawnEmulator(own.path);
      expect(readEmulatorInfo(own.path)?.pid).toBe(child.child.pid);
      expect(await child.stop('SIGTERM')).toBe(0);
      expect(readEmulatorInfo(own.path)).toBeUndefined();
    } finally {
      await own.remove();
    }
  });
});

describe('the bin takes its options from EMULATOR_OPTIONS', () => {
  /** Runs the bin to its end: exit code and stderr. */
  async function runToExit(args: string[]): Promise<{ code: number; stderr: string }> {
    try {
      const { stderr } = await run(process.execPath, [MAIN_JS, ...args]);
      return { code: 0, stderr };
    } catch (e) {
      const failed = e as { code: number; stderr: string };
      return { code: failed.code, stderr: failed.stderr };
    }
  }

  it('takes its port and data folder from the environment when no flag gives them', async () => {
    const own = await tempDir();
    try {
      const child = await spawnNodeScript(MAIN_JS, ['--log', 'none'], {
        name: 'emulator',
        env: { ...process.env, EMULATOR_PORT: '0', ACS_IDENTITY_DATA_DIR: own.path },
        ready: (out) => (out.includes('"msg":"listening"') ? true : undefined),
      });
      const info = readEmulatorInfo(own.path);
      expect(info?.pid).toBe(child.child.pid);
      expect(info?.port).not.toBe(8443);
      expect(await child.stop('SIGTERM')).toBe(0);
    } finally {
      await own.remove();
    }
  });

  it('exits 2 naming the flag and what it accepts, and 1 naming a taken port', async () => {
    const bad = await runToExit(['--port', 'eighty']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      '--port: "eighty" is not valid; expected an integer from 0 to 65535 (0 picks a free port).',
    );
    const unknown = await runToExit(['--http']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Usage: acs-identity-emulator [options]');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    const own = await tempDir();
    try {
      const taken = await runToExit(['--port', String(port), '--data-dir', own.path, '--log', 'none']);
      expect(taken.code).toBe(1);
      expect(taken.stderr).toContain(
        `Port ${port} on 127.0.0.1 is in use, so the emulator cannot listen there.`,
      );
      expect(readEmulatorInfo(own.path)).toBeUndefined();
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
      await own.remove();
    }
  });
});
