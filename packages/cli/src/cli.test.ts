import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './cli.js';
import type { CliIo } from './context.js';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function memoryIo(now: number, input = ''): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    stdin: (async function* () {
      yield input;
    })(),
    env: {},
    cwd: '/nonexistent',
    now: () => now,
    out: () => out,
    err: () => err,
  };
}

describe('run (in process)', () => {
  it('computes the time left of a token from the injected clock', async () => {
    const token = `${b64url({ alg: 'RS256' })}.${b64url({ iat: 1_700_000_000, exp: 1_700_090_061 })}.c2ln`;
    const io = memoryIo(1_700_000_000_000);
    expect(
      await run(['token', 'decode', token, '--query', '[time_left, seconds_left, expired]', '-o', 'tsv'], io),
    ).toBe(0);
    expect(io.out()).toBe('1d 1h 1m 1s\n90061\nfalse\n');
  });

  it('says how long ago an expired token expired', async () => {
    const token = `${b64url({ alg: 'RS256' })}.${b64url({ exp: 1_700_000_000 })}.c2ln`;
    const io = memoryIo(1_700_000_125_000);
    expect(await run(['token', 'decode', token, '--query', 'time_left', '-o', 'tsv'], io)).toBe(0);
    expect(io.out()).toBe('expired 2m 5s ago\n');
  });

  it('hides notices with --only-show-errors but never errors', async () => {
    const io = memoryIo(0);
    expect(await run(['user', 'delete', '--only-show-errors'], io)).toBe(2);
    expect(io.err()).toMatch(/^ERROR \[USAGE\] Missing required argument: user/);
  });
});

/**
 * The Azure service answers 404 to deleting a deleted identity and to revoking its tokens; the emulator answers 204
 * to both. A loopback server stands in for the service's 404, so the CLI's handling of it runs through the real
 * handlers and the real SDK.
 */
describe('a user the service says does not exist (404)', () => {
  let service: Server;
  let connectionString: string;
  const user = '8:acs:bbbcbc1e-9f06-482a-b5d8-20e3f26ef0cd_45ab2481-1c1c-4005-be24-0ffb879b1130';

  beforeAll(async () => {
    service = createServer((request, response) => {
      request.resume().on('end', () => {
        const body = {
          error: { code: 'IdentityNotFound', message: 'Identity does not exist.', target: 'id' },
        };
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
    });
    await new Promise<void>((listening) => service.listen(0, '127.0.0.1', listening));
    const { port } = service.address() as AddressInfo;
    connectionString = `endpoint=http://127.0.0.1:${port}/;accesskey=${Buffer.from('k'.repeat(32)).toString('base64')}`;
  });

  afterAll(async () => {
    await new Promise((closed) => service.close(closed));
  });

  it.each([
    [
      'token',
      'revoke',
      /INFO: The user does not exist \(it was deleted, which revoked its tokens\); nothing was revoked\. \(.+\(HTTP 404 \w+\)\)/,
    ],
    [
      'user',
      'delete',
      /INFO: The user does not exist \(it was already deleted\); nothing was deleted\. \(.+\(HTTP 404 \w+\)\)/,
    ],
  ] as const)(
    '%s %s succeeds and says with --verbose that there was nothing left to do',
    async (group, verb, said) => {
      const io = memoryIo(0);
      const args = [group, verb, '--user', user, '--yes', '--connection-string', connectionString];
      expect(await run([...args, '--verbose'], io)).toBe(0);
      expect(io.out()).toBe('');
      expect(io.err()).toMatch(said);
      const quiet = memoryIo(0);
      expect(await run(args, quiet)).toBe(0);
      expect({ out: quiet.out(), err: quiet.err() }).toEqual({ out: '', err: '' });
    },
  );
});
