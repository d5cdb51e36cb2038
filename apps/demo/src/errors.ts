/**
 * The demo's one error class, used by its server and its web app. Codes map to what the user sees in one place
 * (`describeProblem` in the app's `problems.ts`).
 */
export const DEMO_ERROR_CODES = [
  'INVALID_OPTIONS',
  'PORT_IN_USE',
  'NOT_BUILT',
  /** The demo server itself does not answer: the local stack (`npm start`) is not running. */
  'STACK_DOWN',
  'GATEWAY_DOWN',
  'EMULATOR_DOWN',
  'SERVICE_UNAVAILABLE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_INPUT',
  'NOT_FOUND',
  'THROTTLED',
  'UNEXPECTED',
] as const;

export type DemoErrorCode = (typeof DEMO_ERROR_CODES)[number];

export class DemoError extends Error {
  readonly code: DemoErrorCode;

  constructor(code: DemoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DemoError';
    this.code = code;
  }
}

export function isDemoError(e: unknown): e is DemoError {
  return e instanceof DemoError;
}

/** Turns any thrown value into a DemoError, keeping the original as `cause`. Reads other errors by their code. */
export function toDemoError(e: unknown): DemoError {
  if (isDemoError(e)) return e;
  const x = (e ?? {}) as { code?: unknown; port?: unknown; cause?: { port?: unknown } };
  // PORT_IN_USE: @acs-identity/core's listen(); EADDRINUSE: Node's own.
  if (x.code === 'PORT_IN_USE' || x.code === 'EADDRINUSE') {
    const port = x.port ?? x.cause?.port;
    const which = typeof port === 'number' ? `Port ${port}` : 'The port';
    return new DemoError(
      'PORT_IN_USE',
      `${which} is already in use. Stop what uses it or choose another port.`,
      {
        cause: e,
      },
    );
  }
  // fetch() rejects with a TypeError when nothing answers (connection refused, server gone).
  if (e instanceof TypeError && /fetch|network/i.test(e.message)) {
    return new DemoError('STACK_DOWN', 'The demo server is not answering.', { cause: e });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new DemoError('UNEXPECTED', `Something unexpected went wrong: ${message}`, { cause: e });
}
