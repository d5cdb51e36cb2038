import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keptLogs, yogaWith } from '../../test/plugin-yoga.js';
import { createDevSigner, DEV_AUDIENCE, DEV_ISSUER } from '../dev-signer.js';
import { useDevSignIn } from './use-dev-sign-in.js';

const dataDir = mkdtempSync(join(tmpdir(), 'acs-gateway-dev-plugin-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('useDevSignIn', () => {
  it('signs a demo user in with a token its signer verifies', async () => {
    const now = Date.parse('2026-11-22T03:00:00.000Z');
    const signer = await createDevSigner(dataDir, () => now);
    const yoga = yogaWith([useDevSignIn({ signer, logger: keptLogs().logger })]);
    const response = await yoga.fetch('http://yoga.test/dev/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"user":"alice"}',
    });
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { token, expiresOn } = (await response.json()) as { token: string; expiresOn: string };
    expect(expiresOn).toBe('2026-11-22T04:00:00.000Z');
    expect(await signer.verify(token, new Date(now))).toMatchObject({
      iss: DEV_ISSUER,
      aud: DEV_AUDIENCE,
      sub: 'alice',
    });
  });

  it('answers anything but a JSON POST with 400 and what to send', async () => {
    const signer = await createDevSigner(dataDir, Date.now);
    const yoga = yogaWith([useDevSignIn({ signer, logger: keptLogs().logger })]);
    const response = await yoga.fetch('http://yoga.test/dev/sign-in');
    expect([response.status, await response.json()]).toEqual([
      400,
      {
        error: {
          code: 'BAD_USER_INPUT',
          message: 'POST a JSON body {"user":"alice"} with content-type application/json.',
        },
      },
    ]);
  });
});
