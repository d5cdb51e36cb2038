import { readTokenExpiry, toScopeEnumNames, validateLifetime } from './core.js';
import { TokenRefresherError } from './errors.js';
import { gatewaySource } from './gateway.js';

/** What a custom token source may return: the token alone (its expiry is read from the JWT), or with times. */
export type TokenResponse =
  | string
  | {
      token: string;
      /** When the token expires. @default the token's `exp` claim */
      expiresOn?: Date | string | number | undefined;
      /** The server's clock when it answered, to correct the local clock's skew. @default no correction */
      serverTime?: Date | string | number | undefined;
    };

/** A custom token source. Honour `signal` (it fires on `dispose()`); throw an error with `status` 401/403 to stop. */
export type FetchToken = (options: { signal: AbortSignal }) => Promise<TokenResponse>;

/** Minimal event-target shape used for `window`, `document` and abort signals. */
export interface EventTargetLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/** The subset of the Web Locks API used for leader election. */
export interface LockManagerLike {
  request(name: string, options: { signal: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
}

/** The subset of `BroadcastChannel` used to share tokens between tabs. */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

/** The subset of a `fetch` `Response` that is read. */
export interface ResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  json(): Promise<unknown>;
}

/** Everything the refresher takes from its surroundings; each part can be replaced, e.g. by tests. */
export interface TokenRefresherEnvironment {
  /** Wall clock in milliseconds. @default Date.now */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** A number in [0, 1) for jitter. @default Math.random */
  random(): number;
  fetch(
    url: string,
    init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal },
  ): Promise<ResponseLike>;
  /** Receives `focus`, `online`, `pageshow` and `pagehide`. @default globalThis when it is an event target */
  window: EventTargetLike | undefined;
  /** Receives `visibilitychange`. @default globalThis.document */
  document: (EventTargetLike & { readonly visibilityState: string }) | undefined;
  /** Web Locks for leader election; `undefined` falls back to BroadcastChannel messages. @default navigator.locks */
  locks: LockManagerLike | undefined;
  /** `undefined` turns tab sharing off. @default globalThis.BroadcastChannel */
  BroadcastChannel: (new (name: string) => BroadcastChannelLike) | undefined;
}

export interface TokenRefresherOptions {
  /**
   * URL of the acs-identity gateway's GraphQL endpoint (absolute or relative to the page); tokens come from its
   * `issueMyToken` mutation. Give exactly one of `url` and `fetchToken`.
   */
  url?: string;
  /**
   * Returns the value of the `Authorization` header for the gateway, e.g. `Bearer <your app's login token>`. Called
   * before every request, so it can hand out a refreshed login. @default no header (cookie sessions)
   */
  authorization?: () => string | undefined | Promise<string | undefined>;
  /** Scopes to ask the gateway for: `chat`, `voip`, `chat.join`, `chat.join.limited`, `voip.join`. @default ['chat', 'voip'] */
  scopes?: readonly string[];
  /** Token lifetime to ask the gateway for, 60 to 1440. @default the gateway's default (1440) */
  expiresInMinutes?: number;
  /** A custom token source instead of the gateway. */
  fetchToken?: FetchToken;
  /** Refresh this long before the token expires. @default 600000 (10 minutes) */
  refreshBeforeMs?: number;
  /**
   * `getToken` never resolves a token that expires within this margin; it waits for a fresh one instead. Must be less
   * than `refreshBeforeMs`. @default 120000 (2 minutes)
   */
  minValidityMs?: number;
  /** Refresh up to this fraction of the wait earlier, at random, so many clients do not refresh at once. @default 0.05 */
  jitter?: number;
  /** First retry delay after a failure; doubles each attempt, with jitter. @default 1000 */
  retryBaseMs?: number;
  /** Upper bound of the retry delay. @default 60000 */
  retryMaxMs?: number;
  /**
   * Name shared by the tabs that should share one token (BroadcastChannel and Web Lock name); `false` turns sharing
   * off. Give different token sources different names. @default derived from `url`, scopes and lifetime, or
   * `'custom'` with `fetchToken`
   */
  channelName?: string | false;
  /** How long a tab waits for the leading tab to answer before fetching on its own. @default 5000 */
  leaderTimeoutMs?: number;
  /** Replaces parts of the browser environment (tests, workers). */
  environment?: Partial<TokenRefresherEnvironment>;
}

/** A token as held internally: `exp` is on the server's clock. */
export interface HeldToken {
  token: string;
  exp: number;
  /** Server time when it was fetched (absent when the source gave none). */
  srv?: number | undefined;
}

/** The timing options and their defaults, validated alike. */
const TIMINGS = {
  refreshBeforeMs: 600_000,
  minValidityMs: 120_000,
  retryBaseMs: 1000,
  retryMaxMs: 60_000,
  leaderTimeoutMs: 5000,
};

export type NormalizedOptions = typeof TIMINGS & {
  source: FetchToken;
  jitter: number;
  channel: string | undefined;
  env: TokenRefresherEnvironment;
  /** The gateway request's scopes as GraphQL enum names (unused with `fetchToken`). */
  scopes: string[];
};

function invalid(message: string): never {
  throw new TokenRefresherError('INVALID_OPTIONS', `createTokenRefresher: ${message}.`);
}

/** Resolves defaults and validates options; throws `INVALID_OPTIONS` saying what to fix. */
export function normalizeOptions(options: TokenRefresherOptions): NormalizedOptions {
  const { url, fetchToken, channelName } = options ?? {};
  if (!url === !fetchToken) {
    invalid('pass either { url } (the gateway GraphQL endpoint) or { fetchToken } (an async function)');
  }
  let scopes: string[] = [];
  let expiresInMinutes: number | undefined;
  try {
    scopes = toScopeEnumNames(options.scopes ?? ['chat', 'voip']);
    if (options.expiresInMinutes !== undefined) expiresInMinutes = validateLifetime(options.expiresInMinutes);
  } catch (e) {
    invalid((e as Error).message);
  }
  const timings = { ...TIMINGS };
  for (const key in timings) {
    const k = key as keyof typeof TIMINGS;
    const value = options[k] ?? timings[k];
    if (typeof value !== 'number' || !(value >= 0 && value < Infinity)) {
      invalid(`${k} must be a number of milliseconds >= 0, got ${value}`);
    }
    timings[k] = value;
  }
  if (timings.minValidityMs >= timings.refreshBeforeMs)
    invalid('minValidityMs must be less than refreshBeforeMs');
  if (!timings.retryBaseMs || timings.retryMaxMs < timings.retryBaseMs) {
    invalid('retryBaseMs must be more than 0 and at most retryMaxMs');
  }
  const jitter = options.jitter ?? 0.05;
  if (!(jitter >= 0 && jitter < 1)) invalid(`jitter must be in [0, 1), got ${jitter}`);
  const g = globalThis as unknown as {
    document?: TokenRefresherEnvironment['document'];
    navigator?: { locks?: LockManagerLike };
    BroadcastChannel?: TokenRefresherEnvironment['BroadcastChannel'];
    addEventListener?: unknown;
  };
  const env: TokenRefresherEnvironment = {
    now: Date.now,
    setTimeout: (f, t) => setTimeout(f, t),
    clearTimeout: (h) => clearTimeout(h as number),
    random: Math.random,
    fetch: (u, i) => fetch(u, i),
    window: typeof g.addEventListener === 'function' ? (g as EventTargetLike) : undefined,
    document: g.document,
    locks: g.navigator?.locks,
    BroadcastChannel: g.BroadcastChannel,
    ...options.environment,
  };
  return {
    ...timings,
    source: fetchToken ?? gatewaySource(url as string, scopes, expiresInMinutes, options.authorization, env),
    jitter,
    channel:
      channelName === false || !env.BroadcastChannel
        ? undefined
        : `acs-token-refresher:${channelName ?? (url ? `${url}|${scopes}|${expiresInMinutes ?? ''}` : 'custom')}`,
    env,
    scopes,
  };
}

function time(v: Date | string | number): number {
  return typeof v === 'number' ? v : v instanceof Date ? v.getTime() : Date.parse(v);
}

/** Turns what a source returned into a held token; throws `INVALID_RESPONSE` for anything unusable. */
export function toHeldToken(r: TokenResponse): HeldToken {
  const o = typeof r === 'string' ? { token: r } : r;
  let exp = Number.NaN;
  let srv: number | undefined;
  if (o && typeof o.token === 'string' && o.token) {
    try {
      exp = o.expiresOn === undefined ? readTokenExpiry(o.token) : time(o.expiresOn);
    } catch {}
    if (o.serverTime != null) srv = time(o.serverTime);
  }
  if (Number.isNaN(exp) || Number.isNaN(srv)) {
    throw new TokenRefresherError(
      'INVALID_RESPONSE',
      'The token source returned no usable token (expected a JWT, or { token, expiresOn }).',
    );
  }
  return { token: (o as { token: string }).token, exp, srv };
}
