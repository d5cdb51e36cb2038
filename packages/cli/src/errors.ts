import { EMULATOR_INFO_FILE, ENV, ERROR_CODES } from '@acs-identity/core/vocabulary';
import type { JsonValue } from './json.js';
import { redact } from './redact.js';

/** Every error the CLI reports: `@acs-identity/core`'s codes, the emulator's that core has no word for, the CLI's own. */
export const CLI_ERROR_CODES = [
  ...ERROR_CODES,
  'DATA_DIR_IN_USE',
  'USAGE',
  'CONFIRMATION_REQUIRED',
  'CANCELLED',
] as const;

export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];

/** The process exit codes, as az uses them: 0 ok, 1 service or runtime error, 2 usage error, 3 not found. */
export type ExitCode = 0 | 1 | 2 | 3;

/** What the CLI does with one error code. */
export interface ErrorTableEntry {
  readonly exitCode: ExitCode;
  /** What the user can do about it. */
  readonly hint: string;
  /** Better hints for what the error is about (core's `target`, or the command's own word for it). */
  readonly hints?: Readonly<Record<string, string>>;
  /**
   * The thing acted on does not exist. A command that removes it (`user delete`, `token revoke`: `whenGone` in its
   * declaration) then has nothing left to do and succeeds, whatever the service answered (204 or 404).
   */
  readonly gone?: true;
}

/** How to get an end user's Entra ID token from the local emulator, for the exchange that takes it. */
const localToken = (user: string) =>
  `against the local emulator, \`acs-identity emulator entra token --${user} <oid> --app <appid>\` mints one`;
const EMULATOR_ENTRA_HINT = localToken('teams-user');

/**
 * THE place that maps error codes to exit codes and hints: 1 service/runtime error, 2 usage error, 3 not found. In
 * the order of CLI_ERROR_CODES (core's codes first).
 */
export const ERROR_TABLE = {
  INVALID_INPUT: { exitCode: 2, hint: 'Check the values given; see --help for the accepted forms.' },
  INVALID_OPTIONS: { exitCode: 2, hint: 'Check the options and environment variables given; see --help.' },
  NOT_CONFIGURED: {
    exitCode: 2,
    hint:
      `Pass --connection-string (or set ${ENV.connectionString}), or --endpoint (or ` +
      `${ENV.endpoint}) with an Entra ID login, or start a local emulator with \`acs-identity emulator start\`.`,
    hints: {
      caCertFile: `Trust the service's CA with --ca-cert <file> (or ${ENV.caCertFile}). A local emulator's CA is trusted without it where its ${EMULATOR_INFO_FILE} is found (the data folder of \`acs-identity emulator start\`); elsewhere pass the caCertFile its ${EMULATOR_INFO_FILE} names.`,
    },
  },
  UNAUTHENTICATED: {
    exitCode: 1,
    hint: 'Check the access key of the connection string, or the Entra ID login (az login, managed identity) for --endpoint.',
    hints: {
      'aad-token': `Check --aad-token: an Entra ID access token of the Teams user for https://auth.msft.communication.azure.com with the scopes Teams.ManageCalls and Teams.ManageChats, issued to the --client application (${EMULATOR_ENTRA_HINT}).`,
      'aad-token-expired': `Get a new Entra ID access token for the Teams user (az account get-access-token --resource https://auth.msft.communication.azure.com; ${EMULATOR_ENTRA_HINT}).`,
      'teams-extension-token': `Check --entra-token: a Teams Extension user's Entra ID access token for https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls (${localToken('teams-extension-user')}).`,
      'entra-user-token': `Check --entra-token: an Entra ID user's access token for https://communication.azure.com/clients with at least one of its permissions, e.g. VoIP (${localToken('entra-user')}).`,
      'entra-token-expired':
        "Get a new Entra ID access token for the user (MSAL's acquireTokenSilent, or the local emulator's `acs-identity emulator entra token`).",
    },
  },
  FORBIDDEN: {
    exitCode: 1,
    hint: 'The credential is not allowed on this resource; check its role assignments.',
    hints: {
      'teams-extension-token':
        'The user needs a Teams Extension assignment (principal type user) listing the application the token was issued to: `acs-identity teams-extension assignment set --tenant <tid> --object-id <oid> --client-ids <appid>`.',
      'entra-user-token':
        'The user needs an Entra assignment (of the user, a group of it or its tenant) listing the application the token was issued to: `acs-identity entra assignment set --object-id <oid> --tenant <tid> --client-ids <appid>`.',
    },
  },
  NOT_FOUND: {
    exitCode: 3,
    hint: 'Check the id and the endpoint.',
    hints: {
      'arm-resource':
        'Check --name and --resource-group. A local emulator has no resource until the first `acs-identity resource identity assign` creates it at the name and group given.',
    },
    gone: true,
  },
  IDENTITY_NOT_OWNED: {
    exitCode: 3,
    hint: 'The user does not exist in this resource: it was deleted or belongs to another resource.',
  },
  THROTTLED: { exitCode: 1, hint: 'Too many requests: wait and retry, or lower --concurrency.' },
  SERVICE_UNAVAILABLE: {
    exitCode: 1,
    hint: 'Could not reach the service; check the endpoint and the network (is the emulator running?).',
    hints: {
      answered:
        'The service answered but could not serve the request; retry later, or check that it supports it.',
    },
  },
  PORT_IN_USE: {
    exitCode: 1,
    hint: 'Stop what uses the port, or pass another with --port (0 picks a free one).',
  },
  UNEXPECTED: {
    exitCode: 1,
    hint: 'Run again with --debug for details.',
    hints: {
      storage: 'Check --data-dir / --database-url.',
      tls: `The emulator's local CA or server certificate in the data folder could not be made or read: check that the folder is writable, or pass --no-tls for plain HTTP.`,
    },
  },
  DATA_DIR_IN_USE: {
    exitCode: 1,
    hint: 'Another emulator uses this data folder: use it, stop it, or pass --data-dir for another folder.',
  },
  USAGE: { exitCode: 2, hint: 'See --help for the commands and options.' },
  CONFIRMATION_REQUIRED: { exitCode: 2, hint: 'Pass --yes to confirm when stdin is not a terminal.' },
  CANCELLED: { exitCode: 1, hint: 'Nothing was changed.' },
} as const satisfies Record<CliErrorCode, ErrorTableEntry>;

/**
 * The codes of the emulator's (EMULATOR_ERROR_CODES) and the gateway's (GATEWAY_ERRORS) own errors that are not the
 * CLI's, as the CLI reports them; `about` picks the entry's hint. Their other codes (INVALID_OPTIONS, PORT_IN_USE,
 * DATA_DIR_IN_USE, UNAUTHENTICATED, ...) are the CLI's own and kept.
 */
export const FOREIGN_CODES: Readonly<
  Record<string, { readonly code: CliErrorCode; readonly about?: string }>
> = {
  /** The emulator's: its SQLite file or PostgreSQL database cannot be used. */
  STORAGE_FAILED: { code: 'UNEXPECTED', about: 'storage' },
  /** The emulator's: its local CA or server certificate cannot be made or read. */
  TLS_FAILED: { code: 'UNEXPECTED', about: 'tls' },
  NOT_LISTENING: { code: 'UNEXPECTED' },
  REQUEST_REJECTED: { code: 'UNEXPECTED' },
  /** The gateway's, at start: the back end or the OpenID provider cannot be reached. */
  UPSTREAM_UNAVAILABLE: { code: 'SERVICE_UNAVAILABLE' },
  /** The gateway's, at start: anything unexpected. */
  INTERNAL_SERVER_ERROR: { code: 'UNEXPECTED' },
  /** Node's own code, under an error that has none of ours. */
  EADDRINUSE: { code: 'PORT_IN_USE' },
};

/** The error classes whose `code` the CLI reads: core's, the emulator's and the gateway's. */
const KNOWN_ERRORS = new Set(['AcsIdentityError', 'EmulatorError', 'GatewayError']);

export interface CliErrorOptions {
  cause?: unknown;
  /** What the user can do about it; defaults to the code's hint (for `about`, if the table has one). */
  hint?: string;
  /** What the error is about (an option, core's `target`): picks a better hint from the table when it has one. */
  about?: string;
  /** HTTP status from the service. */
  status?: number;
  /** The service's error code, e.g. `IdentityNotOwned`. */
  serviceCode?: string;
  /** What was done before the failure (e.g. the users created before a throttled one); printed before the error. */
  partialResult?: JsonValue;
}

function hintFor(code: CliErrorCode, about: string | undefined): string {
  const entry: ErrorTableEntry = ERROR_TABLE[code];
  return (about === undefined ? undefined : entry.hints?.[about]) ?? entry.hint;
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
    this.hint = options.hint ?? hintFor(code, options.about);
    this.status = options.status;
    this.serviceCode = options.serviceCode;
    this.partialResult = options.partialResult;
  }

  /** The process exit code for this error. */
  get exitCode(): ExitCode {
    return ERROR_TABLE[this.code].exitCode;
  }

  /** True when this error says the thing acted on does not exist (see {@link ErrorTableEntry.gone}). */
  get gone(): boolean {
    const entry: ErrorTableEntry = ERROR_TABLE[this.code];
    return entry.gone === true;
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

/** The CLI's code for an error of core, the emulator or the gateway, read from its `code` (never its message). */
function codeOf(error: unknown): { code: CliErrorCode; about?: string } | undefined {
  const name = field<string>(error, 'name', 'string');
  const code = field<string>(error, 'code', 'string');
  if (name !== undefined && KNOWN_ERRORS.has(name)) {
    if (isCode(code)) return { code };
    if (code !== undefined && FOREIGN_CODES[code]) return FOREIGN_CODES[code];
  }
  const cause =
    typeof error === 'object' && error !== null ? (error as { cause?: unknown }).cause : undefined;
  const causeCode = field<string>(cause, 'code', 'string');
  return causeCode === 'EADDRINUSE' ? FOREIGN_CODES[causeCode] : undefined;
}

/**
 * Turns anything thrown into a CliError: our own errors as they are; core's, the emulator's and the gateway's errors by
 * their code (ERROR_TABLE, FOREIGN_CODES); yargs' parse errors as USAGE; anything else as UNEXPECTED. Messages are
 * redacted.
 */
export function toCliError(error: unknown): CliError {
  if (isCliError(error)) return error;
  const name = field<string>(error, 'name', 'string');
  const message = redact(field<string>(error, 'message', 'string') ?? String(error));
  if (name === 'YError') return new CliError('USAGE', message, { cause: error });
  const known = codeOf(error);
  if (!known) return new CliError('UNEXPECTED', message, { cause: error });
  const options: CliErrorOptions = { cause: error };
  const status = field<number>(error, 'status', 'number');
  const serviceCode = field<string>(error, 'serviceCode', 'string');
  const about = known.about ?? field<string>(error, 'target', 'string');
  if (status !== undefined) options.status = status;
  if (serviceCode !== undefined) options.serviceCode = serviceCode;
  if (about !== undefined) options.about = about;
  if (known.code === 'SERVICE_UNAVAILABLE' && status !== undefined) options.about = 'answered';
  return new CliError(known.code, message, options);
}

/** The one line printed on stderr for an error: `ERROR [CODE] message (HTTP 401 IdentityNotOwned) Hint: ...`. */
export function formatErrorLine(error: CliError): string {
  return `ERROR [${error.code}] ${describeError(error)} Hint: ${oneLine(error.hint)}`;
}

/** The message of an error on one line, with the service's answer: `message (HTTP 404 IdentityNotFound)`. */
export function describeError(error: CliError): string {
  const service =
    error.status === undefined
      ? ''
      : ` (HTTP ${error.status}${error.serviceCode ? ` ${error.serviceCode}` : ''})`;
  return `${oneLine(redact(error.message))}${service}`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
