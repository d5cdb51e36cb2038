/** Every failure code of the emulator package, closed. */
export const EMULATOR_ERROR_CODES = [
  'INVALID_OPTIONS',
  'STORAGE_FAILED',
  'TLS_FAILED',
  'REQUEST_REJECTED',
  'NOT_LISTENING',
  'UNEXPECTED',
] as const;

export type EmulatorErrorCode = (typeof EMULATOR_ERROR_CODES)[number];

/** The service-shaped HTTP answer carried by a `REQUEST_REJECTED` error. */
export interface ServiceErrorReply {
  readonly status: number;
  /** The `error.code` of the body, e.g. `ValidationError`. */
  readonly code: string;
  readonly message: string;
  readonly target?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The one error class of `@acs-identity/emulator`. Messages never contain keys or tokens. */
export class EmulatorError extends Error {
  readonly code: EmulatorErrorCode;
  /** For `REQUEST_REJECTED`: what the emulator answers on the wire. */
  readonly reply?: ServiceErrorReply;

  constructor(
    code: EmulatorErrorCode,
    message: string,
    options: { cause?: unknown; reply?: ServiceErrorReply } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EmulatorError';
    this.code = code;
    if (options.reply) this.reply = options.reply;
  }
}

export function isEmulatorError(e: unknown): e is EmulatorError {
  return e instanceof EmulatorError;
}

/** Turns anything thrown into an {@link EmulatorError} (`UNEXPECTED` unless it already is one). */
export function toEmulatorError(e: unknown): EmulatorError {
  if (isEmulatorError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new EmulatorError('UNEXPECTED', `Unexpected emulator failure: ${message}`, { cause: e });
}

/** A rejected request: the handler answers `reply` as a JSON error body. */
export function rejectRequest(
  status: number,
  code: string,
  message: string,
  target?: string,
  headers?: Record<string, string>,
): EmulatorError {
  const reply: ServiceErrorReply = {
    status,
    code,
    message,
    ...(target === undefined ? {} : { target }),
    ...(headers === undefined ? {} : { headers }),
  };
  return new EmulatorError('REQUEST_REJECTED', `${status} ${code}: ${message}`, { reply });
}
