/**
 * The keys of the Entra issuers trusted besides the emulator's local one, through jose's key sets: an inline set
 * (`createLocalJWKSet`), or one fetched from a URL or from the issuer's OpenID discovery document
 * (`createRemoteJWKSet`: cached 10 minutes, fetched again at most once a minute for an unknown `kid`).
 */
import {
  type CryptoKey,
  createLocalJWKSet,
  createRemoteJWKSet,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
} from 'jose';

/** An issuer besides the local one whose tokens the emulator accepts (e.g. a real Entra tenant, another emulator). */
export interface TrustedIssuer {
  /** The exact `iss` claim, e.g. `https://login.microsoftonline.com/<tenant>/v2.0`. */
  issuer: string;
  /**
   * Where its JSON Web Key Set is fetched (cached 10 minutes; refetched once a minute at most on an unknown `kid`).
   * @default the `jwks_uri` of `<issuer>/.well-known/openid-configuration`
   */
  jwksUrl?: string;
  /** Or the key set itself. */
  jwks?: { keys: readonly object[] };
}

/** Picks the verification key of a token from its header (a jose key set). */
export type KeyResolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;

const CACHE_MAX_AGE_MS = 600_000;
const COOLDOWN_MS = 60_000;
const FETCH_TIMEOUT_MS = 5000;

/** The `jwks_uri` of an issuer's OpenID discovery document, or `undefined` when it cannot be read. */
async function discoverJwksUrl(issuer: string): Promise<string | undefined> {
  try {
    const res = await fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { jwks_uri?: unknown };
    return typeof body.jwks_uri === 'string' ? body.jwks_uri : undefined;
  } catch {
    return undefined;
  }
}

/** The key sets of the trusted issuers, created on first use. */
export class TrustedIssuerKeys {
  readonly #issuers: readonly TrustedIssuer[];
  readonly #resolvers = new Map<string, KeyResolver>();
  /** When discovery last failed per issuer (it is tried again a minute later at the earliest). */
  readonly #failedAt = new Map<string, number>();

  constructor(issuers: readonly TrustedIssuer[]) {
    this.#issuers = issuers;
  }

  /** Whether an issuer (the exact `iss`) is trusted. */
  has(iss: string): boolean {
    return this.#issuers.some((t) => t.issuer === iss);
  }

  /** The key resolver of a trusted issuer; `undefined` when its keys cannot be found (discovery failed). */
  async resolver(iss: string, now: number): Promise<KeyResolver | undefined> {
    const cached = this.#resolvers.get(iss);
    if (cached) return cached;
    const trusted = this.#issuers.find((t) => t.issuer === iss);
    if (!trusted) return undefined;
    let resolver: KeyResolver;
    if (trusted.jwks) {
      resolver = createLocalJWKSet(trusted.jwks as unknown as JSONWebKeySet);
    } else {
      const failed = this.#failedAt.get(iss);
      if (failed !== undefined && now - failed < COOLDOWN_MS) return undefined;
      const url = trusted.jwksUrl ?? (await discoverJwksUrl(trusted.issuer));
      if (!url) {
        this.#failedAt.set(iss, now);
        return undefined;
      }
      resolver = createRemoteJWKSet(new URL(url), {
        cacheMaxAge: CACHE_MAX_AGE_MS,
        cooldownDuration: COOLDOWN_MS,
        timeoutDuration: FETCH_TIMEOUT_MS,
      });
    }
    this.#resolvers.set(iss, resolver);
    return resolver;
  }
}
