import { createHash, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, errors, type JWTPayload, jwtVerify } from 'jose';
import { DEV_ISSUER, type DevSigner } from './dev-signer.js';
import { GatewayError } from './errors.js';
import type { OidcSettings } from './settings.js';

/** Who is calling: an administrator (admin key) or a signed-in end user (verified JWT). */
export type Caller =
  | { role: 'admin'; id: string }
  | {
      role: 'user';
      id: string;
      issuer: string;
      subject: string;
      claims: JWTPayload;
      /** True for users of the development sign-in. */
      dev: boolean;
    };

/** An end user. */
export type EndUser = Extract<Caller, { role: 'user' }>;

/** Settings of {@link createAuthenticator}. */
export interface AuthenticatorSettings {
  adminKeys: readonly string[];
  oidc?: OidcSettings;
  /** The development sign-in, when dev mode is on. */
  devSigner?: DevSigner;
  now: () => number;
  /** Timeout of OpenID discovery and JWKS requests. */
  fetchTimeoutMs: number;
}

/** Turns an `Authorization` header into a {@link Caller}. */
export interface Authenticator {
  /** `undefined` when there is no credential at all; throws `UNAUTHENTICATED` for a bad one. */
  authenticate(authorization: string | null): Promise<Caller | undefined>;
  /** Fetches the OpenID provider's signing keys now, so the first end user does not wait for them (never throws). */
  warm(): Promise<void>;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Whether a bearer value has the shape of a compact JWS. */
function looksLikeJwt(value: string): boolean {
  return /^[\w-]+\.[\w-]*\.[\w-]*$/.test(value);
}

function describeJoseError(e: unknown): GatewayError {
  const fail = (message: string) => new GatewayError('UNAUTHENTICATED', message, { cause: e });
  if (e instanceof errors.JWTExpired) return fail('The bearer token has expired; sign in again.');
  if (e instanceof errors.JWTClaimValidationFailed) {
    switch (e.claim) {
      case 'aud':
        return fail('The bearer token was issued for another audience.');
      case 'iss':
        return fail('The bearer token was issued by an issuer this gateway does not trust.');
      case 'nbf':
        return fail('The bearer token is not valid yet.');
      case 'sub':
        return invalidSubject();
      default:
        return fail(`The bearer token's "${e.claim}" claim is not valid.`);
    }
  }
  if (e instanceof errors.JWKSNoMatchingKey) {
    return fail("The bearer token's signing key is not one of the issuer's keys.");
  }
  if (e instanceof errors.JWKSMultipleMatchingKeys)
    return fail("The bearer token's signing key is ambiguous.");
  if (e instanceof errors.JOSEAlgNotAllowed || e instanceof errors.JOSENotSupported) {
    return fail("The bearer token's signing algorithm is not accepted.");
  }
  if (e instanceof errors.JWSSignatureVerificationFailed)
    return fail("The bearer token's signature is not valid.");
  if (
    e instanceof errors.JWKSTimeout ||
    e instanceof errors.JWKSInvalid ||
    !(e instanceof errors.JOSEError)
  ) {
    return new GatewayError(
      'UPSTREAM_UNAVAILABLE',
      "The OpenID provider's signing keys could not be fetched; try again later.",
      { cause: e },
    );
  }
  return fail('The bearer token is not a valid JWT.');
}

/**
 * A token whose `sub` is not a non-empty string: refused with a plain message, the reason goes to the log only (a list
 * or an object turned into text would make `["alice"]` alice, and every object the same user).
 */
function invalidSubject(): GatewayError {
  return new GatewayError('UNAUTHENTICATED', 'The bearer token is not valid.', {
    cause: new Error('The "sub" claim must be a non-empty string.'),
  });
}

/** The subject of verified claims: a non-empty string, or `UNAUTHENTICATED`. */
function subjectOf(payload: JWTPayload): string {
  if (typeof payload.sub !== 'string' || payload.sub === '') throw invalidSubject();
  return payload.sub;
}

type RemoteKeys = ReturnType<typeof createRemoteJWKSet>;

/** The issuer's signing keys: from the configured JWKS URL, or found through OpenID discovery. */
async function discoverKeys(oidc: OidcSettings, timeoutMs: number): Promise<RemoteKeys> {
  let jwksUrl = oidc.jwksUrl;
  if (jwksUrl === undefined) {
    const url = `${oidc.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`OpenID discovery at ${url} answered ${response.status}.`);
    const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (document.issuer !== oidc.issuer) {
      throw new Error(
        `OpenID discovery at ${url} names issuer ${String(document.issuer)}, not ${oidc.issuer}.`,
      );
    }
    if (typeof document.jwks_uri !== 'string') throw new Error(`OpenID discovery at ${url} has no jwks_uri.`);
    jwksUrl = document.jwks_uri;
  }
  return createRemoteJWKSet(new URL(jwksUrl), {
    timeoutDuration: timeoutMs,
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
  });
}

/** How long a verified token is remembered at most (its own expiry cuts it shorter). */
const VERIFIED_TTL_MS = 5 * 60_000;
const VERIFIED_MAX = 10_000;

/**
 * End users' tokens verified lately: a client sends the same token with every request until it expires, and an RS256
 * verification costs more than the rest of an `issueMyToken`. A token is remembered until its `exp` (plus the allowed
 * skew) or {@link VERIFIED_TTL_MS}, whichever comes first, so a key the issuer withdraws stops working within minutes.
 */
class VerifiedTokens {
  readonly #entries = new Map<string, { caller: Caller; until: number }>();

  get(token: string, now: number): Caller | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    if (now < entry.until) return entry.caller;
    this.#entries.delete(token);
    return undefined;
  }

  set(token: string, caller: Caller, until: number): void {
    if (this.#entries.size >= VERIFIED_MAX) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, { caller, until });
  }
}

/** The `iss` claim of a JWT, read without verifying it, to pick the verifier. */
function issuerOf(token: string): string | undefined {
  try {
    const { iss } = decodeJwt(token);
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/** Builds the authenticator: admin keys compared in constant time, JWTs verified with jose. */
export function createAuthenticator(settings: AuthenticatorSettings): Authenticator {
  const keyDigests = settings.adminKeys.map(digest);
  const { oidc, devSigner, now } = settings;
  const verified = new VerifiedTokens();
  let remoteKeys: Promise<RemoteKeys> | undefined;

  const oidcKeys = (o: OidcSettings): Promise<RemoteKeys> => {
    if (remoteKeys === undefined) {
      const attempt = discoverKeys(o, settings.fetchTimeoutMs);
      remoteKeys = attempt;
      // A failed discovery is retried by the next request instead of being cached forever.
      attempt.catch(() => {
        if (remoteKeys === attempt) remoteKeys = undefined;
      });
    }
    return remoteKeys.catch((e: unknown) => {
      throw new GatewayError(
        'UPSTREAM_UNAVAILABLE',
        "The OpenID provider's signing keys could not be fetched; try again later.",
        { cause: e },
      );
    });
  };

  const verifyOidc = async (token: string, currentDate: Date): Promise<Caller> => {
    if (oidc === undefined) {
      throw new GatewayError(
        'UNAUTHENTICATED',
        'This gateway does not accept end-user tokens; no OpenID issuer is configured.',
      );
    }
    const { payload } = await jwtVerify(token, await oidcKeys(oidc), {
      issuer: oidc.issuer,
      audience: oidc.audience,
      algorithms: oidc.algorithms,
      clockTolerance: oidc.clockToleranceSeconds,
      requiredClaims: ['sub', 'exp'],
      currentDate,
    });
    const subject = subjectOf(payload);
    return {
      role: 'user',
      id: `${oidc.issuer}#${subject}`,
      issuer: oidc.issuer,
      subject,
      claims: payload,
      dev: false,
    };
  };

  const verifyDev = async (signer: DevSigner, token: string, currentDate: Date): Promise<Caller> => {
    const payload = await signer.verify(token, currentDate);
    const subject = subjectOf(payload);
    return {
      role: 'user',
      id: `dev:${subject}`,
      issuer: DEV_ISSUER,
      subject,
      claims: payload,
      dev: true,
    };
  };

  const verifyUser = async (token: string): Promise<Caller> => {
    const at = now();
    const known = verified.get(token, at);
    if (known !== undefined) return known;
    const currentDate = new Date(at);
    let caller: Caller;
    try {
      caller =
        devSigner !== undefined && issuerOf(token) === DEV_ISSUER
          ? await verifyDev(devSigner, token, currentDate)
          : await verifyOidc(token, currentDate);
    } catch (e) {
      if (e instanceof GatewayError) throw e;
      throw describeJoseError(e);
    }
    if (caller.role === 'user' && typeof caller.claims.exp === 'number') {
      const skewMs = caller.dev ? 0 : (oidc?.clockToleranceSeconds ?? 0) * 1000;
      verified.set(token, caller, Math.min(caller.claims.exp * 1000 + skewMs, at + VERIFIED_TTL_MS));
    }
    return caller;
  };

  return {
    async warm() {
      if (oidc === undefined) return;
      await oidcKeys(oidc)
        .then((keys) => keys.reload())
        .catch(() => undefined);
    },
    async authenticate(authorization) {
      if (authorization === null || authorization.trim() === '') return undefined;
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      const credential = match?.[1];
      if (credential === undefined) {
        throw new GatewayError(
          'UNAUTHENTICATED',
          'The Authorization header must be "Bearer <token or admin key>".',
        );
      }
      const presented = digest(credential);
      let adminIndex = -1;
      // Compare against every key without stopping early, so timing does not reveal which one matched.
      keyDigests.forEach((key, index) => {
        if (timingSafeEqual(key, presented) && adminIndex === -1) adminIndex = index;
      });
      if (adminIndex !== -1) return { role: 'admin', id: `admin#${adminIndex + 1}` };
      if (!looksLikeJwt(credential)) {
        throw new GatewayError('UNAUTHENTICATED', 'The bearer value is neither a valid admin key nor a JWT.');
      }
      return verifyUser(credential);
    },
  };
}
