import { AcsIdentityError, ERROR_CODES } from '@acs-identity/core';
import { EMULATOR_ERROR_CODES, EmulatorError } from '@acs-identity/emulator';
import { GATEWAY_ERRORS, GatewayError } from '@acs-identity/graphql';
import { describe, expect, it } from 'vitest';
import {
  CLI_ERROR_CODES,
  CliError,
  ERROR_TABLE,
  FOREIGN_CODES,
  formatErrorLine,
  toCliError,
} from './errors.js';

describe('CliError', () => {
  it("covers every code of core's AcsIdentityError", () => {
    for (const code of ERROR_CODES) expect(CLI_ERROR_CODES).toContain(code);
  });

  it('maps codes to exit codes in one table: 2 usage, 3 not found, 1 otherwise', () => {
    const exits = Object.fromEntries(CLI_ERROR_CODES.map((c) => [c, new CliError(c, 'm').exitCode]));
    expect(exits).toEqual({
      INVALID_INPUT: 2,
      NOT_CONFIGURED: 2,
      UNAUTHENTICATED: 1,
      FORBIDDEN: 1,
      NOT_FOUND: 3,
      IDENTITY_NOT_OWNED: 3,
      THROTTLED: 1,
      SERVICE_UNAVAILABLE: 1,
      UNEXPECTED: 1,
      INVALID_OPTIONS: 2,
      PORT_IN_USE: 1,
      DATA_DIR_IN_USE: 1,
      USAGE: 2,
      CONFIRMATION_REQUIRED: 2,
      CANCELLED: 1,
    });
    expect(Object.keys(ERROR_TABLE)).toEqual([...CLI_ERROR_CODES]);
  });

  it("converts core's errors keeping code, status and service code", () => {
    const core = new AcsIdentityError(
      'IDENTITY_NOT_OWNED',
      "Provided identity doesn't belong to the resource.",
      {
        status: 401,
        serviceCode: 'IdentityNotOwned',
      },
    );
    const error = toCliError(core);
    expect(error).toMatchObject({
      code: 'IDENTITY_NOT_OWNED',
      status: 401,
      serviceCode: 'IdentityNotOwned',
      cause: core,
    });
    expect(formatErrorLine(error)).toBe(
      "ERROR [IDENTITY_NOT_OWNED] Provided identity doesn't belong to the resource. (HTTP 401 IdentityNotOwned) Hint: The user does not exist in this resource: it was deleted or belongs to another resource.",
    );
  });

  it('does not claim the service was unreachable when it answered', () => {
    const answered = toCliError(
      new AcsIdentityError('SERVICE_UNAVAILABLE', 'Not implemented.', { status: 501 }),
    );
    const unreachable = toCliError(new AcsIdentityError('SERVICE_UNAVAILABLE', 'connect ECONNREFUSED'));
    expect(answered.hint).toMatch(/^The service answered/);
    expect(unreachable.hint).toMatch(/^Could not reach the service/);
  });

  it('turns anything else into UNEXPECTED with its message redacted', () => {
    const error = toCliError(new Error('boom endpoint=https://x/;accesskey=c2VjcmV0c2VjcmV0\nsecond line'));
    expect(error.code).toBe('UNEXPECTED');
    expect(formatErrorLine(error)).toBe(
      'ERROR [UNEXPECTED] boom endpoint=https://x/;accesskey=*** second line Hint: Run again with --debug for details.',
    );
  });

  it('keeps its own errors as they are', () => {
    const error = new CliError('USAGE', 'bad', { hint: 'do this' });
    expect(toCliError(error)).toBe(error);
    expect(formatErrorLine(error)).toBe('ERROR [USAGE] bad Hint: do this');
  });
});

describe('toCliError for the errors of the emulator and the gateway', () => {
  const named = (name: string, code: string, extra: object = {}) =>
    Object.assign(new Error(`${code} happened`), { name, code, ...extra });

  it('reads their codes, never their messages', () => {
    expect(toCliError(named('EmulatorError', 'INVALID_OPTIONS')).code).toBe('INVALID_OPTIONS');
    expect(toCliError(named('GatewayError', 'INVALID_OPTIONS')).code).toBe('INVALID_OPTIONS');
    expect(toCliError(named('GatewayError', 'PORT_IN_USE')).code).toBe('PORT_IN_USE');
    expect(toCliError(named('EmulatorError', 'STORAGE_FAILED'))).toMatchObject({
      code: 'UNEXPECTED',
      hint: 'Check --data-dir / --database-url.',
    });
    const inUse = new Error('Port 4000 is taken', {
      cause: Object.assign(new Error('x'), { code: 'EADDRINUSE' }),
    });
    expect(toCliError(inUse).code).toBe('PORT_IN_USE');
    expect(toCliError(named('SomethingElse', 'INVALID_OPTIONS')).code).toBe('UNEXPECTED');
  });

  it('knows every code of the emulator and every code the gateway can fail to start with', () => {
    const gatewayStart = Object.entries(GATEWAY_ERRORS)
      .filter(([code, rule]) => 'startupOnly' in rule || code === 'UPSTREAM_UNAVAILABLE')
      .map(([code]) => code);
    for (const code of [...EMULATOR_ERROR_CODES, ...gatewayStart, 'INTERNAL_SERVER_ERROR']) {
      const known = (CLI_ERROR_CODES as readonly string[]).includes(code) || code in FOREIGN_CODES;
      expect(known, code).toBe(true);
    }
    expect(toCliError(new GatewayError('UPSTREAM_UNAVAILABLE', 'x')).code).toBe('SERVICE_UNAVAILABLE');
    expect(toCliError(new EmulatorError('TLS_FAILED', 'x')).hint).toContain('--no-tls');
  });

  it('says that another emulator holds the data folder, and what to do, as the emulator names it', () => {
    const error = toCliError(
      new EmulatorError(
        'DATA_DIR_IN_USE',
        'The data folder /w/.acs-identity is in use by the emulator at https://127.0.0.1:8443/ (pid 42).',
        { inUseBy: { pid: 42, endpoint: 'https://127.0.0.1:8443/' } },
      ),
    );
    expect({ code: error.code, exitCode: error.exitCode }).toEqual({ code: 'DATA_DIR_IN_USE', exitCode: 1 });
    expect(formatErrorLine(error)).toBe(
      'ERROR [DATA_DIR_IN_USE] The data folder /w/.acs-identity is in use by the emulator at https://127.0.0.1:8443/ (pid 42). Hint: Another emulator uses this data folder: use it, stop it, or pass --data-dir for another folder.',
    );
    expect(toCliError(new EmulatorError('PORT_IN_USE', 'Port 8443 is taken.')).code).toBe('PORT_IN_USE');
  });

  it("gives the hint of what core's error is about: an untrusted certificate names --ca-cert", () => {
    const error = toCliError(
      new AcsIdentityError('NOT_CONFIGURED', 'The TLS certificate is not trusted.', { target: 'caCertFile' }),
    );
    expect(error.hint).toContain('--ca-cert <file> (or ACS_IDENTITY_CA_CERT_FILE)');
    expect(error.hint).not.toContain('Pass --connection-string');
  });

  it('knows which codes mean the thing acted on does not exist', () => {
    expect(CLI_ERROR_CODES.filter((code) => new CliError(code, 'm').gone)).toEqual(['NOT_FOUND']);
  });
});
