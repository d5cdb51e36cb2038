// The development sign-in across restarts: its signing key lives in the data folder (0600, folder 0700), so a demo
// user's token from before a restart still works after it.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/index.js';
import { dataOf, errorsOf, graphql } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'acs-gateway-dev-key-'));
const gateways: Gateway[] = [];

afterAll(async () => {
  for (const gateway of gateways) await gateway.close();
  rmSync(root, { recursive: true, force: true });
});

async function open(dataDir: string): Promise<Gateway> {
  const gateway = await createGateway({ env: {}, dev: true, dataDir, logSink: () => {} });
  gateways.push(gateway);
  return gateway;
}

async function signIn(gateway: Gateway, user: string): Promise<string> {
  const response = await gateway.fetch('http://gateway.test/dev/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
  });
  return ((await response.json()) as { token: string }).token;
}

const me = (gateway: Gateway, auth: string) =>
  graphql((url, init) => gateway.fetch(url, init), 'http://gateway.test/', '{ me { subject } }', { auth });

describe('the development sign-in', () => {
  it('keeps a demo user signed in when the gateway restarts on the same data folder', async () => {
    const dataDir = join(root, 'kept', 'data');
    const first = await open(dataDir);
    const token = await signIn(first, 'alice');
    await first.close();
    const second = await open(dataDir);
    expect(dataOf(await me(second, token), 'me')).toEqual({ subject: 'alice' });
  });

  it('keeps its signing key readable by its owner only, in a folder of its own', async () => {
    const dataDir = join(root, 'modes', 'data');
    await open(dataDir);
    expect(statSync(join(dataDir, 'gateway-dev-key.json')).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  });

  it('does not accept the dev sign-ins of a gateway with another data folder', async () => {
    const token = await signIn(await open(join(root, 'one')), 'bob');
    expect(errorsOf(await me(await open(join(root, 'two')), token))).toMatchInlineSnapshot(`
      [
        {
          "code": "UNAUTHENTICATED",
          "message": "The bearer token's signature is not valid.",
        },
      ]
    `);
  });
});
