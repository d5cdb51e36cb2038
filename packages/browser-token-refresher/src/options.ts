import {
  SCOPE_SERVICE_NAMES,
  TOKEN_LIFETIME,
  TOKEN_SCOPES,
  type TokenScope,
} from '@acs-identity/core/vocabulary';
import { browserEnvironment, type TokenRefresherEnvironment } from './environment.js';
import { TokenRefresherError } from './errors.js';
import { gatewaySource } from './gateway.js';
import type { FetchToken } from './token.js';

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

/**
 * Turns scopes as users write them (`chat`, `chat.join`, `VOIP_JOIN`, any case) into the service's names, which are
 * the gateway's GraphQL enum values, without duplicates.
 */
function toServiceNames(scopes: readonly string[]): string[] {
  const out = new Set<string>();
  for (const s of scopes) {
    const name = String(s).trim().toLowerCase().replace(/_/g, '.') as TokenScope;
    if (!TOKEN_SCOPES.includes(name)) invalid(`unknown scope "${s}" (valid: ${TOKEN_SCOPES.join(', ')})`);
    out.add(SCOPE_SERVICE_NAMES[name]);
  }
  if (!out.size) invalid('at least one scope is required');
  return [...out];
}

/** Resolves defaults and validates options; throws `INVALID_OPTIONS` saying what to fix. */
export function normalizeOptions(options: TokenRefresherOptions): NormalizedOptions {
  const { url, fetchToken, channelName } = options ?? {};
  if (!url === !fetchToken) {
    invalid('pass either { url } (the gateway GraphQL endpoint) or { fetchToken } (an async function)');
  }
  const scopes = toServiceNames(options.scopes ?? ['chat', 'voip']);
  // A whole number of minutes within the service's lifetime bounds.
  const minutes = options.expiresInMinutes;
  const { minMinutes: min, maxMinutes: max } = TOKEN_LIFETIME;
  if (minutes !== undefined && !(Number.isInteger(minutes) && minutes >= min && minutes <= max)) {
    invalid(`expiresInMinutes must be a whole number in [${min}, ${max}], got ${minutes}`);
  }
  const timings = { ...TIMINGS };
  let k: keyof typeof TIMINGS;
  for (k in timings) {
    const value = options[k] ?? timings[k];
    if (!(Number.isFinite(value) && value >= 0)) {
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
  const env = browserEnvironment(options.environment);
  return {
    ...timings,
    source: fetchToken ?? gatewaySource(url as string, scopes, minutes, options.authorization, env),
    jitter,
    channel:
      channelName === false || !env.BroadcastChannel
        ? undefined
        : `acs-token-refresher:${channelName ?? (url ? `${url}|${scopes}|${minutes ?? ''}` : 'custom')}`,
    env,
    scopes,
  };
}
