import type { JsonValue } from './output.js';
import { redact } from './redact.js';

/**
 * Every error the CLI reports. The first nine are `@acs-identity/core`'s codes (kept equal by a unit test); the rest are
 * the CLI's own.
 */
export const CLI_ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_CONFIGURED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'IDENTITY_NOT_OWNED',
  'THROTTLED',
  'SERVICE_UNAVAILABLE',
  'UNEXPECTED',
  'INVALID_OPTIONS',
  'PORT_IN_USE',
  'USAGE',
  'CONFIRMATION_REQUIRED',
  'CANCELLED',
] as const;

export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];

/** The process exit codes, as az uses them: 0 ok, 1 service or runtime error, 2 usage error, 3 not found. */
export type ExitCode = 0 | 1 | 2 | 3;

/**
 * THE place that maps error codes to exit codes and default hints: 1 service/runtime error, 2 usage error, 3 not found.
 */
export const ERROR_TABLE = {
  INVALID_INPUT: { exitCode: 2, hint: 'Check the values given; see --help for the accepted forms.' },
  NOT_CONFIGURED: {
    exitCode: 2,
    hint:
      'Pass --connection-string (or set AZURE_COMMUNICATION_CONNECTION_STRING), or --endpoint (or ' +
      'AZURE_COMMUNICATION_ENDPOINT) with an Entra ID login, or start a local emulator with `acs-identity emulator start`.',
  },
  UNAUTHENTICATED: {
    exitCode: 1,
    hint: 'Check the access key of the connection string, or the Entra ID login (az login, managed identity) for --endpoint.',
  },
  FORBIDDEN: {
    exitCode: 1,
    hint: 'The credential is not allowed on this resource; check its role assignments.',
  },
  NOT_FOUND: { exitCode: 3, hint: 'Check the id and the endpoint.' },
  IDENTITY_NOT_OWNED: {
    exitCode: 3,
    hint: 'The user does not exist in this resource: it was deleted or belongs to another resource.',
  },
  THROTTLED: { exitCode: 1, hint: 'Too many requests: wait and retry, or lower --concurrency.' },
  SERVICE_UNAVAILABLE: {
    exitCode: 1,
    hint: 'Could not reach the service; check the endpoint and the network (is the emulator running?).',
  },
  UNEXPECTED: { exitCode: 1, hint: 'Run again with --debug for details.' },
  INVALID_OPTIONS: { exitCode: 2, hint: 'Check the options and environment variables given; see --help.' },
  PORT_IN_USE: {
    exitCode: 1,
    hint: 'Stop what uses the port, or pass another with --port (0 picks a free one).',
  },
  USAGE: { exitCode: 2, hint: 'See --help for the commands and options.' },
  CONFIRMATION_REQUIRED: { exitCode: 2, hint: 'Pass --yes to confirm when stdin is not a terminal.' },
  CANCELLED: { exitCode: 1, hint: 'Nothing was changed.' },
} as const satisfies Record<CliErrorCode, { exitCode: ExitCode; hint: string }>;

export interface CliErrorOptions {
  cause?: unknown;
  /** What the user can do about it; defaults to the code's hint. */
  hint?: string;
  /** HTTP status from the service. */
  status?: number;
  /** The service's error code, e.g. `IdentityNotOwned`. */
  serviceCode?: string;
  /** What was done before the failure (e.g. the users created before a throttled one); printed before the error. */
  partialResult?: JsonValue;
}

/** The one error class of the CLI. Messages never contain secrets. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code: CliErrorCode;
  readonly hint: string;
  readonly status: number | undefined;
  readonly serviceCode: string | undefined;
  readonly partialResult: JsonValue | undefined;

  constructor(code: CliErrorCode, message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint ?? ERROR_TABLE[code].hint;
    this.status = options.status;
    this.serviceCode = options.serviceCode;
    this.partialResult = options.partialResult;
  }

  /** The process exit code for this error. */
  get exitCode(): ExitCode {
    return ERROR_TABLE[this.code].exitCode;
  }
}

export function isCliError(error: unknown): error is CliError {
  return error instanceof CliError;
}

function isCode(value: unknown): value is CliErrorCode {
  return typeof value === 'string' && (CLI_ERROR_CODES as readonly string[]).includes(value);
}

function field<T>(value: unknown, key: string, type: 'string' | 'number'): T | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = (value as Record<string, unknown>)[key];
  return typeof v === type ? (v as T) : undefined;
}

/**
 * Turns anything thrown into a CliError: our own errors as they are, `@acs-identity/core`'s errors (`AcsIdentityError`)
 * with their code, yargs' parse errors as USAGE, anything else as UNEXPECTED. Messages are redacted.
 */
export function toCliError(error: unknown): CliError {
  if (isCliError(error)) return error;
  const name = field<string>(error, 'name', 'string');
  const message = redact(field<string>(error, 'message', 'string') ?? String(error));
  if (name === 'YError') return new CliError('USAGE', message, { cause: error });
  const code = field<string>(error, 'code', 'string');
  if (name === 'AcsIdentityError' && isCode(code)) {
    const options: CliErrorOptions = { cause: error };
    const status = field<number>(error, 'status', 'number');
    const serviceCode = field<string>(error, 'serviceCode', 'string');
    if (status !== undefined) options.status = status;
    if (serviceCode !== undefined) options.serviceCode = serviceCode;
    if (code === 'SERVICE_UNAVAILABLE' && status !== undefined) {
      options.hint =
        'The service answered but could not serve the request; retry later, or check that it supports it.';
    }
    return new CliError(code, message, options);
  }
  return new CliError('UNEXPECTED', message, { cause: error });
}

/** The one line printed on stderr for an error: `ERROR [CODE] message (HTTP 401 IdentityNotOwned) Hint: ...`. */
export function formatErrorLine(error: CliError): string {
  const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();
  const service =
    error.status === undefined
      ? ''
      : ` (HTTP ${error.status}${error.serviceCode ? ` ${error.serviceCode}` : ''})`;
  return `ERROR [${error.code}] ${oneLine(redact(error.message))}${service} Hint: ${oneLine(error.hint)}`;
}
