import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
} from 'jose';
import { GatewayError } from './errors.js';

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

/** The end-user verification settings (already validated). */
export interface OidcSettings {
  issuer: string;
  audience: string[];
  /** Explicit JWKS URL; otherwise discovered from `<issuer>/.well-known/openid-configuration`. */
  jwksUrl?: string;
  algorithms: string[];
  clockToleranceSeconds: number;
}

/** Issuer and audience of tokens minted by the development sign-in. */
export const DEV_ISSUER = 'urn:acs-identity:gateway:dev';
export const DEV_AUDIENCE = 'acs-identity-gateway';
const DEV_TOKEN_LIFETIME_SECONDS = 3600;
const DEV_USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Whether a bearer value has the shape of a compact JWS. */
function looksLikeJwt(value: string): boolean {
  return /^[\w-]+\.[\w-]*\.[\w-]*$/.test(value);
}

/** A stable GUID-shaped object id for a development user, so Teams-style checks have something to compare. */
function devObjectId(name: string): string {
  const hex = createHash('sha256').update(`acs-identity-dev-user:${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

interface DevSigner {
  sign(user: string): Promise<{ token: string; expiresOn: Date }>;
  keys: JWTVerifyGetKey;
}

async function createDevSigner(clock: () => Date): Promise<DevSigner> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const kid = `dev-${randomUUID()}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return {
    keys: createLocalJWKSet({ keys: [jwk] }),
    async sign(user) {
      const iat = Math.floor(clock().getTime() / 1000);
      const exp = iat + DEV_TOKEN_LIFETIME_SECONDS;
      const token = await new SignJWT({ name: user, preferred_username: user, oid: devObjectId(user) })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setSubject(user)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .setJti(randomUUID())
        .sign(privateKey);
      return { token, expiresOn: new Date(exp * 1000) };
    },
  };
}

/** Settings of {@link createAuthenticator}. */
export interface AuthenticatorSettings {
  adminKeys: readonly string[];
  oidc?: OidcSettings;
  dev: boolean;
  clock: () => Date;
  /** Timeout of OpenID discovery and JWKS requests. */
  fetchTimeoutMs: number;
}

/** Turns an `Authorization` header into a {@link Caller}. */
export interface Authenticator {
  /** `undefined` when there is no credential at all; throws `UNAUTHENTICATED` for a bad one. */
  authenticate(authorization: string | null): Promise<Caller | undefined>;
  /** Development sign-in; throws when dev mode is off. */
  devSignIn(user: unknown): Promise<{ token: string; expiresOn: Date }>;
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
        return fail('The bearer token has no subject.');
      default:
        return fail(`The bearer token's "${e.claim}" claim is not valid.`);
    }
  }
  if (e instanceof errors.JWKSNoMatchingKey)
    return fail("The bearer token's signing key is not one of the issuer's keys.");
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

/** Builds the authenticator: admin keys compared in constant time, JWTs verified with jose. */
export async function createAuthenticator(settings: AuthenticatorSettings): Promise<Authenticator> {
  const keyDigests = settings.adminKeys.map(digest);
  const devSigner = settings.dev ? await createDevSigner(settings.clock) : undefined;
  const oidc = settings.oidc;
  let remoteKeys: Promise<JWTVerifyGetKey> | undefined;

  const discover = async (settingsOidc: OidcSettings): Promise<JWTVerifyGetKey> => {
    let jwksUrl = settingsOidc.jwksUrl;
    if (jwksUrl === undefined) {
      const url = `${settingsOidc.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
      const response = await fetch(url, { signal: AbortSignal.timeout(settings.fetchTimeoutMs) });
      if (!response.ok) throw new Error(`OpenID discovery at ${url} answered ${response.status}.`);
      const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
      if (document.issuer !== settingsOidc.issuer) {
        throw new Error(
          `OpenID discovery at ${url} names issuer ${String(document.issuer)}, not ${settingsOidc.issuer}.`,
        );
      }
      if (typeof document.jwks_uri !== 'string')
        throw new Error(`OpenID discovery at ${url} has no jwks_uri.`);
      jwksUrl = document.jwks_uri;
    }
    return createRemoteJWKSet(new URL(jwksUrl), {
      timeoutDuration: settings.fetchTimeoutMs,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    });
  };

  const oidcKeys = (settingsOidc: OidcSettings): Promise<JWTVerifyGetKey> => {
    if (remoteKeys === undefined) {
      remoteKeys = discover(settingsOidc);
      // A failed discovery is retried by the next request instead of being cached forever.
      remoteKeys.catch(() => {
        remoteKeys = undefined;
      });
    }
    return remoteKeys;
  };

  const verifyUser = async (token: string): Promise<Caller> => {
    let issuer: string | undefined;
    try {
      const [, payloadPart] = token.split('.');
      const payload = JSON.parse(Buffer.from(payloadPart ?? '', 'base64url').toString('utf8')) as {
        iss?: unknown;
      };
      if (typeof payload.iss === 'string') issuer = payload.iss;
    } catch {
      issuer = undefined;
    }
    const currentDate = settings.clock();
    try {
      if (devSigner !== undefined && issuer === DEV_ISSUER) {
        const { payload } = await jwtVerify(token, devSigner.keys, {
          issuer: DEV_ISSUER,
          audience: DEV_AUDIENCE,
          algorithms: ['RS256'],
          requiredClaims: ['sub', 'exp'],
          currentDate,
        });
        return {
          role: 'user',
          id: `dev:${payload.sub}`,
          issuer: DEV_ISSUER,
          subject: String(payload.sub),
          claims: payload,
          dev: true,
        };
      }
      if (oidc === undefined) {
        throw new GatewayError(
          'UNAUTHENTICATED',
          'This gateway does not accept end-user tokens; no OpenID issuer is configured.',
        );
      }
      const keys = await oidcKeys(oidc).catch((e: unknown) => {
        throw new GatewayError(
          'UPSTREAM_UNAVAILABLE',
          "The OpenID provider's signing keys could not be fetched; try again later.",
          {
            cause: e,
          },
        );
      });
      const { payload } = await jwtVerify(token, keys, {
        issuer: oidc.issuer,
        audience: oidc.audience,
        algorithms: oidc.algorithms,
        clockTolerance: oidc.clockToleranceSeconds,
        requiredClaims: ['sub', 'exp'],
        currentDate,
      });
      return {
        role: 'user',
        id: `${oidc.issuer}#${payload.sub}`,
        issuer: oidc.issuer,
        subject: String(payload.sub),
        claims: payload,
        dev: false,
      };
    } catch (e) {
      if (e instanceof GatewayError) throw e;
      throw describeJoseError(e);
    }
  };

  return {
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
    async devSignIn(user) {
      if (devSigner === undefined) {
        throw new GatewayError(
          'NOT_FOUND',
          'The development sign-in is off; start the gateway with --dev to use it.',
        );
      }
      if (typeof user !== 'string' || !DEV_USER_NAME.test(user)) {
        throw new GatewayError(
          'BAD_USER_INPUT',
          'Send {"user":"<name>"} with a name of 1 to 64 letters, digits, ".", "_" or "-", e.g. {"user":"alice"}.',
          { field: 'user' },
        );
      }
      return devSigner.sign(user);
    },
  };
}
