// The README's code samples, run as written (only the data folder differs: a temporary one).
import { readFile } from 'node:fs/promises';
import { readEmulatorInfo, startEmulator } from '@acs-identity/emulator';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, tempDir } from './support.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir?.remove();
});

describe('README samples', () => {
  it('start, create a user with a token, revoke, verify, discover', async () => {
    const emulator = await startEmulator({ dataDir: dir.path, logger: false });
    try {
      const { connectionString, caCertFile, verifyTokenUrl } = emulator.info;
      const ca = await readFile(caCertFile ?? '', 'utf8');
      const client = new CommunicationIdentityClient(connectionString, { tlsOptions: { ca } });
      const { user, token } = await client.createUserAndToken(['chat', 'voip']);
      await client.revokeTokens(user);
      const res = await rawRequest(
        { info: emulator.info, ca },
        'POST',
        new URL(verifyTokenUrl).pathname,
        { 'content-type': 'application/json' },
        Buffer.from(JSON.stringify({ token })),
      );
      expect(res.json).toMatchObject({ valid: false, reason: 'revoked', identity: user.communicationUserId });
      expect(readEmulatorInfo(dir.path)?.endpoint).toBe(emulator.info.endpoint);
    } finally {
      await emulator.close();
    }
    expect(readEmulatorInfo(dir.path)).toBeUndefined();
  });
});
