import { DemoError, type DemoErrorCode } from '../errors.js';

/**
 * The demo's calls to its own server, which forwards `/graphql` and `/dev/*` to the gateway and `/emulator/*` to the
 * emulator (one origin, no CORS, no certificate prompts). Every failure becomes a DemoError.
 */

export interface DemoConfig {
  gateway: boolean;
  emulator: boolean;
  adminKey?: string;
  tokenLifetimeMinutes: number;
  demoUsers: readonly string[];
}

export type ServiceState = 'up' | 'down' | 'absent';
export interface StackStatus {
  gateway: ServiceState;
  emulator: ServiceState;
}

export interface AccessToken {
  token: string;
  expiresOn: string;
  scopes: string[];
  serverTime: string;
}

export interface Verification {
  valid: boolean;
  reason?: string;
  identity?: string;
  expiresOn?: string;
}

/** The GraphQL `extensions.code` values of the gateway, mapped to ours in this one place. */
const GRAPHQL_CODES: Record<string, DemoErrorCode> = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_INPUT',
  GRAPHQL_VALIDATION_FAILED: 'BAD_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  THROTTLED: 'THROTTLED',
  UPSTREAM_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
};

/** The demo server's own error codes for forwarding failures. */
const FORWARDING_CODES: Record<string, DemoErrorCode> = {
  GATEWAY_UNREACHABLE: 'GATEWAY_DOWN',
  GATEWAY_MISSING: 'GATEWAY_DOWN',
  EMULATOR_UNREACHABLE: 'EMULATOR_DOWN',
  EMULATOR_MISSING: 'EMULATOR_DOWN',
};

async function call(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, init);
  } catch (cause) {
    throw new DemoError('STACK_DOWN', 'The demo server is not answering.', { cause });
  }
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function forwardingError(res: Response, body: unknown): DemoError | undefined {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (typeof error?.code === 'string') {
    const code = FORWARDING_CODES[error.code];
    if (code !== undefined) return new DemoError(code, String(error.message ?? error.code));
  }
  if (res.status === 502 || res.status === 503 || res.status === 504) {
    return new DemoError('GATEWAY_DOWN', `The gateway answered ${res.status}. Is it running?`);
  }
  return undefined;
}

/** A JSON object the demo server itself answers with (`what` names it in the error). */
async function demoJson<T>(path: string, what: string): Promise<T> {
  const res = await call(path, { headers: { accept: 'application/json' } });
  const body = await readJson(res);
  if (!res.ok || typeof body !== 'object' || body === null) {
    throw new DemoError('UNEXPECTED', `The demo server answered ${res.status} for ${what}.`);
  }
  return body as T;
}

export function getConfig(): Promise<DemoConfig> {
  return demoJson('/demo/config.json', 'its configuration');
}

export function getStatus(): Promise<StackStatus> {
  return demoJson('/demo/status', 'the status');
}

/** The gateway's development sign-in: a JWT for a named demo user. */
export async function devSignIn(user: string): Promise<string> {
  const res = await call('/dev/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ user }),
  });
  const body = await readJson(res);
  const forwarded = forwardingError(res, body);
  if (forwarded !== undefined) throw forwarded;
  if (res.status === 404) {
    throw new DemoError(
      'NOT_FOUND',
      'The gateway has no development sign-in. Start it in development mode (npm start does).',
    );
  }
  const token = (body as { token?: unknown } | undefined)?.token;
  if (!res.ok || typeof token !== 'string') {
    const message = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
    throw new DemoError(
      res.status === 400 ? 'BAD_INPUT' : 'UNEXPECTED',
      typeof message === 'string' ? message : `The sign-in failed (${res.status}).`,
    );
  }
  return token;
}

/** One GraphQL operation against the gateway, authorised by `bearer` (a sign-in token or an admin key). */
export async function graphql<T>(
  query: string,
  variables: Record<string, unknown>,
  bearer: string,
): Promise<T> {
  const res = await call('/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      authorization: `Bearer ${bearer}`,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await readJson(res)) as
    | { data?: T | null; errors?: { message?: string; extensions?: { code?: string } }[] }
    | undefined;
  const forwarded = forwardingError(res, body);
  if (forwarded !== undefined) throw forwarded;
  const first = body?.errors?.[0];
  if (first !== undefined) {
    const code =
      GRAPHQL_CODES[first.extensions?.code ?? ''] ?? (res.status === 401 ? 'UNAUTHENTICATED' : 'UNEXPECTED');
    throw new DemoError(code, first.message ?? 'The gateway reported an error.');
  }
  if (res.status === 401)
    throw new DemoError('UNAUTHENTICATED', 'The gateway did not accept the credentials.');
  if (!res.ok || body?.data === undefined || body.data === null) {
    throw new DemoError('UNEXPECTED', `The gateway answered ${res.status} without data.`);
  }
  return body.data;
}

/** Asks the emulator's verification endpoint whether a token is valid, and why not. */
export async function verifyToken(token: string): Promise<Verification> {
  const res = await call('/emulator/verify-token', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ token }),
  });
  const body = await readJson(res);
  if (res.status === 502 || res.status === 503) {
    throw new DemoError('EMULATOR_DOWN', 'The emulator is not answering. Is it running?');
  }
  if (!res.ok || typeof (body as { valid?: unknown } | undefined)?.valid !== 'boolean') {
    throw new DemoError('UNEXPECTED', `The emulator's verification endpoint answered ${res.status}.`);
  }
  return body as Verification;
}
