import { type DemoErrorCode, toDemoError } from '../errors.js';

/** What the user reads for each error code: one place for every message of the app. */
export interface Problem {
  title: string;
  detail: string;
}

const TITLES: Record<DemoErrorCode, string> = {
  INVALID_OPTIONS: 'The demo is misconfigured',
  PORT_IN_USE: 'A port is taken',
  NOT_BUILT: 'The demo is not built',
  STACK_DOWN: 'The local stack is not running',
  GATEWAY_DOWN: 'The gateway is not reachable',
  EMULATOR_DOWN: 'The ACS emulator is not reachable',
  SERVICE_UNAVAILABLE: 'The identity service could not do it',
  UNAUTHENTICATED: 'Your sign-in has expired',
  FORBIDDEN: 'Not allowed',
  BAD_INPUT: 'Check your input',
  NOT_FOUND: 'Not found',
  THROTTLED: 'Too many requests',
  UNEXPECTED: 'Something went wrong',
};

const HINTS: Partial<Record<DemoErrorCode, string>> = {
  STACK_DOWN: 'Start it again with npm start at the repository root; this page picks it up by itself.',
  GATEWAY_DOWN: 'Start the stack with npm start at the repository root, then try again.',
  EMULATOR_DOWN: 'Restart the stack with npm start.',
  SERVICE_UNAVAILABLE:
    'The gateway reached no working ACS Identity service (the emulator). Check that it runs.',
  UNAUTHENTICATED: 'Sign in again to get a new session.',
  THROTTLED: 'Wait a moment, then try again.',
};

/**
 * Conditions of the services rather than of what the user did: the stack, the gateway or the emulator is down. They
 * share one banner, which the status check keeps accurate.
 */
export const SERVICE_PROBLEMS: ReadonlySet<DemoErrorCode> = new Set<DemoErrorCode>([
  'STACK_DOWN',
  'GATEWAY_DOWN',
  'EMULATOR_DOWN',
  'SERVICE_UNAVAILABLE',
]);

export function describeProblem(e: unknown): Problem & { code: DemoErrorCode } {
  const error = toDemoError(e);
  const hint = HINTS[error.code];
  return {
    code: error.code,
    title: TITLES[error.code],
    detail: hint === undefined ? error.message : `${error.message} ${hint}`,
  };
}
