import { isAcsIdentityError } from '@acs-identity/core';

/**
 * The one error class of `@acs-identity/emulator` and its closed code table. What the emulator answers on the wire
 * (status, `error.code`, message) is not decided here but in `service-errors.ts`; a rejected request is an
 * `EmulatorError` with code `REQUEST_REJECTED` that carries that answer.
 */

/** Every failure code of the emulator package, closed. Callers read these, never the messages. */
export const EMULATOR_ERROR_CODES = [
  /**
   * An option (or environment variable, or flag) is wrong; the message says which and what is accepted. Also: the data
   * folder is open to other users and this process may not make it private.
   */
  'INVALID_OPTIONS',
  /** The port is taken by another program. */
  'PORT_IN_USE',
  /** Another emulator runs on the data folder; `inUseBy` names it. */
  'DATA_DIR_IN_USE',
  /** The SQLite file or the PostgreSQL database cannot be used. */
  'STORAGE_FAILED',
  /** The local CA or server certificate cannot be created or read. */
  'TLS_FAILED',
  /** A request was refused; `reply` is the service-shaped answer. */
  'REQUEST_REJECTED',
  /** Something that needs a listening emulator was called before `listen()` or after `close()`. */
  'NOT_LISTENING',
  'UNEXPECTED',
] as const;

export type EmulatorErrorCode = (typeof EMULATOR_ERROR_CODES)[number];

/**
 * The HTTP answer carried by a `REQUEST_REJECTED` error, built by `service-errors.ts` (the service's wire errors) and
 * `oauth-errors.ts` (the local Entra stand-in's OAuth 2.0 errors) only.
 */
export interface ServiceErrorReply {
  readonly status: number;
  /** The `error.code` of the body, e.g. `ValidationError`. */
  readonly code: string;
  readonly message: string;
  readonly target?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * `true`: the answer leaves out `api-supported-versions`, as the service's do for its model-validation 400s ("The X
   * field is required.") and the token exchanges' 401s.
   */
  readonly withoutApiVersions?: boolean;
}

/** The emulator that holds a data folder, as its lock file names it (`DATA_DIR_IN_USE`). */
export interface DataDirOwner {
  readonly pid: number;
  /** Absent while that emulator is still starting. */
  readonly endpoint: string | undefined;
}

export interface EmulatorErrorOptions {
  cause?: unknown;
  reply?: ServiceErrorReply;
  inUseBy?: DataDirOwner;
}

/** The one error class of `@acs-identity/emulator`. Messages never contain keys or tokens. */
export class EmulatorError extends Error {
  readonly code: EmulatorErrorCode;
  /** For `REQUEST_REJECTED`: what the emulator answers on the wire. */
  readonly reply?: ServiceErrorReply;
  /** For `DATA_DIR_IN_USE`: the running emulator that holds the data folder. */
  readonly inUseBy?: DataDirOwner;

  constructor(code: EmulatorErrorCode, message: string, options: EmulatorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EmulatorError';
    this.code = code;
    if (options.reply) this.reply = options.reply;
    if (options.inUseBy) this.inUseBy = options.inUseBy;
  }
}

/** A rejected request: an `EmulatorError` (`REQUEST_REJECTED`) that carries its wire answer. */
export type RejectedRequest = EmulatorError & { readonly reply: ServiceErrorReply };

/** The rejected request that answers `reply`. */
export function rejectedRequest(reply: ServiceErrorReply): RejectedRequest {
  return new EmulatorError('REQUEST_REJECTED', `${reply.status} ${reply.code}: ${reply.message}`, {
    reply,
  }) as RejectedRequest;
}

export function isEmulatorError(e: unknown): e is EmulatorError {
  return e instanceof EmulatorError;
}

/**
 * Turns anything thrown into an {@link EmulatorError}: core's errors keep their code when the emulator has it
 * (`INVALID_OPTIONS`, `PORT_IN_USE`), anything else is `UNEXPECTED`.
 */
export function toEmulatorError(e: unknown): EmulatorError {
  if (isEmulatorError(e)) return e;
  if (isAcsIdentityError(e) && (EMULATOR_ERROR_CODES as readonly string[]).includes(e.code)) {
    return new EmulatorError(e.code as EmulatorErrorCode, e.message, { cause: e });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new EmulatorError('UNEXPECTED', `Unexpected emulator failure: ${message}`, { cause: e });
}

/** An `INVALID_OPTIONS` error. */
export function invalidOptions(message: string, cause?: unknown): EmulatorError {
  return new EmulatorError('INVALID_OPTIONS', message, cause === undefined ? {} : { cause });
}
