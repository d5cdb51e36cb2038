import { describe, expect, it } from 'vitest';
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
