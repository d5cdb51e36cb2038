import { DEFAULT_DATA_DIR, resolveOptions } from '@acs-identity/core';
import { describe, expect, it } from 'vitest';
import { parseCommandLine, usage } from './command-line.js';
import { EMULATOR_OPTIONS, jsonLinesLogger } from './options.js';

describe("the bin's command line (from EMULATOR_OPTIONS)", () => {
  it('reads flags, negated booleans and repeated lists into the options code passes', () => {
    const { given } = parseCommandLine([
      '--port',
      '0',
      '--no-tls',
      '--no-rate-limits',
      '--trust-issuer',
      'https://a.example/v2.0',
      '--trust-issuer',
      'https://b.example/v2.0',
      '--log',
      'none',
      '--workers',
      '2',
    ]);
    expect(resolveOptions(EMULATOR_OPTIONS, given, {})).toMatchObject({
      port: 0,
      tls: false,
      rateLimits: false,
      trustedIssuers: [{ issuer: 'https://a.example/v2.0' }, { issuer: 'https://b.example/v2.0' }],
      logger: false,
      workers: 2,
    });
  });

  it('falls back to the environment, then to the defaults the API has too', () => {
    const { given } = parseCommandLine(['--host', '0.0.0.0']);
    const options = resolveOptions(EMULATOR_OPTIONS, given, {
      EMULATOR_PORT: '9000',
      EMULATOR_HOST: '::1',
      ACS_IDENTITY_DATA_DIR: 'state',
    });
    expect(options).toMatchObject({ port: 9000, host: '0.0.0.0', dataDir: 'state', tls: true, workers: 1 });
    expect(resolveOptions(EMULATOR_OPTIONS, {}, {})).toMatchObject({
      port: 8443,
      host: '127.0.0.1',
      dataDir: DEFAULT_DATA_DIR,
      logger: jsonLinesLogger,
    });
  });

  it('names the flag or variable and what it accepts, never a database password', () => {
    const { given } = parseCommandLine(['--port', 'abc']);
    expect(() => resolveOptions(EMULATOR_OPTIONS, given, {})).toThrow(
      '--port: "abc" is not valid; expected an integer from 0 to 65535 (0 picks a free port).',
    );
    const env = { EMULATOR_DATABASE_URL: 'mysql://u:s3cret@db/x' };
    expect(() => resolveOptions(EMULATOR_OPTIONS, {}, env)).toThrow(
      'EMULATOR_DATABASE_URL: the value given is not valid; expected a postgres:// or postgresql:// URL.',
    );
  });

  it('refuses an unknown flag and lists every flag in --help', () => {
    expect(() => parseCommandLine(['--prot', '1'])).toThrow(/--prot/);
    expect(parseCommandLine(['-h']).help).toBe(true);
    const help = usage();
    for (const d of Object.values(EMULATOR_OPTIONS)) {
      if (d.flag) expect(help).toContain(d.flag);
    }
    expect(help).toContain('--[no-]tls');
    expect(help).toContain('(default 8443; EMULATOR_PORT)');
  });
});
