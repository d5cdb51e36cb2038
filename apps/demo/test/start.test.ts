import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { missingPart, pythonAzure } from '@acs-identity/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, START_SCRIPT, startStack, stopStack } from './stack.js';

/** `npm start` (scripts/start.mjs) as a user meets it: restarts, taken ports, bad flags. */

const run$ = promisify(execFile);

async function signIn(demoUrl: string, user: string): Promise<string> {
  const res = await fetch(`${demoUrl}dev/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
  });
  return ((await res.json()) as { token: string }).token;
}

/** What the gateway answers to issueMyToken with a sign-in token (its data, or its error). */
async function issueMyToken(demoUrl: string, login: string): Promise<{ data?: unknown; errors?: unknown[] }> {
  const res = await fetch(`${demoUrl}graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${login}` },
    body: JSON.stringify({
      query: 'mutation { issueMyToken(scopes: [CHAT], expiresInMinutes: 60) { token } }',
    }),
  });
  return (await res.json()) as { data?: unknown; errors?: unknown[] };
}

async function signInAndIssue(demoUrl: string, user: string): Promise<string> {
  const login = await signIn(demoUrl, user);
  const res = await fetch(`${demoUrl}graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${login}` },
    body: JSON.stringify({
      query: 'mutation { issueMyToken(scopes: [CHAT], expiresInMinutes: 60) { token } }',
    }),
  });
  const body = (await res.json()) as { data: { issueMyToken: { token: string } } };
  return body.data.issueMyToken.token;
}

function identityOf(token: string): string {
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    skypeid: string;
  };
  return `8:${claims.skypeid}`;
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [START_SCRIPT, '--no-build', ...args], { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('npm start', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'acs-demo-start-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints one block with the URLs, and a second start keeps the identities and tokens', async () => {
    const first = await startStack(dataDir);
    let token: string;
    try {
      expect(first.output()).not.toContain('Not started');
      expect(first.output()).toMatch(/Gateway \(GraphQL\)\s+http:\/\/127\.0\.0\.1:\d+\/graphql/);
      expect(first.output()).toMatch(/Emulator\s+https:\/\/127\.0\.0\.1:\d+\//);
      expect(first.output()).toMatch(
        /Connection string\s+endpoint=https:\/\/127\.0\.0\.1:\d+\/;accesskey=\S+/,
      );
      token = await signInAndIssue(first.demoUrl, 'dora');
    } finally {
      expect(await stopStack(first)).toBe(0);
    }
    expect(first.output()).toContain('stopped.');

    const second = await startStack(dataDir);
    try {
      expect(identityOf(await signInAndIssue(second.demoUrl, 'dora'))).toBe(identityOf(token));
      const verdict = await fetch(`${second.demoUrl}emulator/verify-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      });
      expect(await verdict.json()).toMatchObject({ valid: true, identity: identityOf(token) });
      // The access key is kept: only the port (0 here) changes in the connection string.
      const accessKey = (out: string) => /;accesskey=(\S+)/.exec(out)?.[1];
      expect(accessKey(second.output())).toBe(accessKey(first.output()));
    } finally {
      expect(await stopStack(second)).toBe(0);
    }
  });

  it('keeps a signed-in demo user signed in across a restart', async () => {
    const first = await startStack(dataDir);
    let login: string;
    try {
      login = await signIn(first.demoUrl, 'erin');
      expect(await issueMyToken(first.demoUrl, login)).toMatchObject({ data: { issueMyToken: {} } });
    } finally {
      expect(await stopStack(first)).toBe(0);
    }
    const second = await startStack(dataDir);
    try {
      const answer = await issueMyToken(second.demoUrl, login);
      expect(answer.errors).toBeUndefined();
      expect(answer).toMatchObject({ data: { issueMyToken: {} } });
    } finally {
      expect(await stopStack(second)).toBe(0);
    }
  });

  it('prints the absolute path of the CA in the forms Node.js, Python and curl read, and each one works', async () => {
    // A data folder given relative to the repository root: the paths printed are absolute all the same.
    const stack = await startStack(relative(ROOT, dataDir));
    try {
      const out = stack.output();
      const endpoint = /Emulator\s+(https:\/\/\S+)/.exec(out)?.[1] ?? '';
      const ca = await realpath(join(dataDir, 'tls/ca.pem'));
      const printed = (pattern: RegExp) => pattern.exec(out)?.[1] ?? '';
      const forms = {
        node: printed(/export NODE_EXTRA_CA_CERTS=(\S+)/),
        requests: printed(/export REQUESTS_CA_BUNDLE=(\S+)/),
        aiohttp: printed(/export SSL_CERT_FILE=(\S+)/),
        curl: printed(/curl --cacert (\S+) https:/),
      };
      for (const path of Object.values(forms)) {
        expect(isAbsolute(path), out).toBe(true);
        expect(await realpath(path)).toBe(ca);
      }
      expect(out).toContain(`curl --cacert ${forms.curl} ${endpoint}`);

      const node = await run$(
        process.execPath,
        ['-e', `fetch(${JSON.stringify(endpoint)}).then((r) => console.log(r.status))`],
        {
          env: { ...process.env, NODE_EXTRA_CA_CERTS: forms.node },
        },
      );
      expect(Number(node.stdout)).toBeGreaterThan(0);
      const curl = existsSync('/usr/bin/curl')
        ? '/usr/bin/curl'
        : missingPart('curl', 'apt-get install curl.');
      if (curl !== undefined) {
        const answer = await run$(curl, [
          '-sS',
          '-o',
          '/dev/null',
          '-w',
          '%{http_code}',
          '--cacert',
          forms.curl,
          endpoint,
        ]);
        expect(Number(answer.stdout)).toBeGreaterThan(0);
      }
      const python = pythonAzure();
      if (python !== undefined) {
        const requests = await run$(
          python,
          ['-c', `import requests; print(requests.get(${JSON.stringify(endpoint)}).status_code)`],
          {
            env: { ...process.env, REQUESTS_CA_BUNDLE: forms.requests },
          },
        );
        expect(Number(requests.stdout)).toBeGreaterThan(0);
        const aiohttp = [
          'import asyncio, aiohttp',
          'async def main():',
          '    async with aiohttp.ClientSession() as s:',
          `        async with s.get(${JSON.stringify(endpoint)}) as r: print(r.status)`,
          'asyncio.run(main())',
        ].join('\n');
        const asyncAnswer = await run$(python, ['-c', aiohttp], {
          env: { ...process.env, SSL_CERT_FILE: forms.aiohttp },
        });
        expect(Number(asyncAnswer.stdout)).toBeGreaterThan(0);
      }
    } finally {
      expect(await stopStack(stack)).toBe(0);
    }
  });

  it('names a taken port and the flag that changes it', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const result = await run([
        '--data-dir',
        dataDir,
        '--emulator-port',
        '0',
        '--gateway-port',
        String(port),
      ]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim()).toBe(
        `npm start: Port ${port} (gateway) is already in use. Stop what uses it, or pick another port: ` +
          `npm start -- --gateway-port ${port + 1}   (or ACS_IDENTITY_GATEWAY_PORT=${port + 1}; 0 picks a free port).`,
      );
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('rejects a port that is not a number, without a stack trace', async () => {
    const result = await run(['--demo-port', 'eighty']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'npm start: --demo-port must be a port number from 0 to 65535, not "eighty".',
    );
  });

  it('rejects an unknown flag and points to the help', async () => {
    const result = await run(['--colour']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      "npm start: Unknown option '--colour'. Run npm start -- --help for the options.",
    );
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--emulator-port N');
  });
});
