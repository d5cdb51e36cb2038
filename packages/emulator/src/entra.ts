import {
  createHash,
  createPrivateKey,
  type KeyObject,
  randomBytes,
  randomUUID,
  sign,
  X509Certificate,
} from 'node:crypto';
import {
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JWSHeaderParameters,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import { generateSigningKey } from './certificates.js';
import {
  ENTRA_CLIENTS_AUDIENCE,
  TEAMS_EXTENSION_AUDIENCE,
  TEAMS_EXTENSION_SCOPE,
} from './entra-user-tokens.js';
import { EmulatorError } from './errors.js';
import type { Jwk } from './keyring.js';
import type { Store } from './store.js';
import { type KeyResolver, type TrustedIssuer, TrustedIssuerKeys } from './trusted-issuers.js';

/** Audience of a Teams user's Entra token that ACS exchanges (`POST /teamsUser/:exchangeAccessToken`). */
export const TEAMS_EXCHANGE_AUDIENCE = 'https://auth.msft.communication.azure.com';
/** Audience of Entra tokens that call the ACS data plane (scope `https://communication.azure.com/.default`). */
export const DATA_PLANE_AUDIENCE = 'https://communication.azure.com';
/** The delegated scopes a Teams user's token must carry for the exchange. */
export const TEAMS_EXCHANGE_SCOPES = ['Teams.ManageCalls', 'Teams.ManageChats'] as const;
export type TeamsExchangeScope = (typeof TEAMS_EXCHANGE_SCOPES)[number];

/** `https://communication.azure.com` with any number of trailing slashes (Python asks for `...//.default`). */
export const DATA_PLANE_AUDIENCE_PATTERN = /^https:\/\/communication\.azure\.com\/*$/i;
export const TEAMS_AUDIENCE_PATTERN = /^https:\/\/auth\.msft\.communication\.azure\.com\/*$/i;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID.test(value);
}

/**
 * The local Entra stand-in's authority host, `<endpoint>entra` (endpoint with a trailing slash): `@azure/identity`'s
 * `authorityHost` (or `AZURE_AUTHORITY_HOST`), under which MSAL finds `/<tenant>/v2.0/.well-known/openid-configuration`
 * and `/<tenant>/oauth2/v2.0/token`.
 */
export function authorityHost(endpoint: string): string {
  return `${endpoint}entra`;
}

export type { TrustedIssuer };

/**
 * What {@link mintEntraToken} and the emulator's local issuer mint: give exactly one of `teamsUser`,
 * `teamsExtensionUser`, `entraUser` (delegated user tokens for the three exchanges) and `principal` (an app token).
 */
export interface EntraTokenRequest {
  /** A Teams user's object id (`oid`): mints a delegated token for the Teams token exchange. */
  teamsUser?: string;
  /**
   * A Teams Phone extensibility user's object id (`oid`): mints a delegated token for the Teams Extension exchange
   * (`POST /access/teamsExtension/:exchangeAccessToken`): audience `https://auth.msft.communication.azure.com`, `scp`
   * `TeamsExtension.ManageCalls`.
   */
  teamsExtensionUser?: string;
  /**
   * An Entra ID user's object id (`oid`): mints a delegated token for the Entra user exchange
   * (`POST /access/entra/:exchangeAccessToken`): audience `https://communication.azure.com/clients`, `scp` the
   * permissions of {@link scopes}.
   */
  entraUser?: string;
  /** A principal's object id (`oid`): mints an app token for the ACS data plane. */
  principal?: string;
  /** The Entra application (client) id, the `appid` claim. Required with a user; defaults to `principal`. */
  appId?: string;
  /** The tenant (`tid`) and the issuer's tenant segment. @default the emulator's local tenant */
  tenantId?: string;
  /**
   * The delegated permissions in `scp` of a user token, replacing the default: `Teams.ManageCalls Teams.ManageChats`
   * (Teams user), `TeamsExtension.ManageCalls` (Teams Extension user), `VoIP` (Entra user: any of `VoIP`,
   * `VoIP.Join`, `Chat`, `Chat.Join`, `Chat.Join.Limited`, or others, which the exchange ignores).
   */
  scopes?: readonly string[];
  /** Permissions to leave out of a user token's `scp` (to produce the "missing scope" failure). @default [] */
  omitScopes?: readonly string[];
  /** Group object ids for the `groups` claim of an Entra user token (group assignments). @default none */
  groups?: readonly string[];
  /**
   * @default `https://auth.msft.communication.azure.com` (Teams and Teams Extension users),
   *   `https://communication.azure.com/clients` (Entra user), `https://communication.azure.com` (principal)
   */
  audience?: string;
  /** Lifetime in seconds from now; 0 or negative mints an already expired token. @default 3600 */
  expiresInSeconds?: number;
}

export interface MintedEntraToken {
  token: string;
  /** `exp` as a Date. */
  expiresOn: Date;
  claims: Record<string, unknown>;
}

interface StoredEntraKey {
  kid: string;
  x5t: string;
  privateKeyPem: string;
  certificatePem: string;
}

const META = {
  key: 'entra_signing_key',
  tenant: 'entra_tenant_id',
  systemPrincipal: 'managed_identity_system_principal_id',
  systemClient: 'managed_identity_system_client_id',
  identityHeader: 'managed_identity_header',
} as const;

/** Why an Entra token was refused. */
export type EntraRejection =
  | 'malformed'
  | 'bad-signature'
  | 'untrusted-issuer'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-audience'
  | 'missing-scope';

export type EntraVerdict =
  | { ok: true; claims: Record<string, unknown>; issuer: string }
  | { ok: false; reason: EntraRejection };

export interface VerifyEntraOptions {
  audience: RegExp;
  /** Every one of these must be in the space-separated `scp` claim. */
  requiredScopes?: readonly string[];
  /** At least one of these must be in the `scp` claim (any case). */
  anyScopes?: readonly string[];
  now: number;
  /** Clock skew allowed for `nbf` (and for `exp` unless {@link expirySkewMs} is given). */
  skewMs: number;
  expirySkewMs?: number;
}

/** A stable GUID derived from a string (for principal ids of user-assigned identities named by client id). */
export function derivedGuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  const variant = ((Number.parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The emulator's local Entra ID stand-in: one persisted RS256 key, a default tenant, the system-assigned managed
 * identity's ids and the managed-identity endpoint's secret header, all kept in the store so every instance (and the
 * CLI) agrees. Mints tokens and verifies tokens of the local issuer and of configured trusted issuers.
 */
export class EntraIssuer {
  readonly tenantId: string;
  readonly systemIdentity: { principalId: string; clientId: string };
  readonly identityHeader: string;
  readonly #kid: string;
  readonly #x5t: string;
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;
  readonly #jwk: Jwk;
  readonly #trusted: TrustedIssuerKeys;

  private constructor(
    key: StoredEntraKey,
    tenantId: string,
    systemIdentity: { principalId: string; clientId: string },
    identityHeader: string,
    trusted: readonly TrustedIssuer[],
  ) {
    this.tenantId = tenantId;
    this.systemIdentity = systemIdentity;
    this.identityHeader = identityHeader;
    this.#kid = key.kid;
    this.#x5t = key.x5t;
    this.#privateKey = createPrivateKey(key.privateKeyPem);
    this.#publicKey = new X509Certificate(key.certificatePem).publicKey;
    const jwk = this.#publicKey.export({ format: 'jwk' });
    this.#jwk = {
      kty: 'RSA',
      use: 'sig',
      alg: 'RS256',
      kid: key.kid,
      x5t: key.x5t,
      n: String(jwk.n),
      e: String(jwk.e),
      x5c: [new X509Certificate(key.certificatePem).raw.toString('base64')],
    };
    this.#trusted = new TrustedIssuerKeys(trusted);
  }

  /** Loads the issuer's state from the store, creating it on first use (concurrent first users agree). */
  static async load(store: Store, now: number, trusted: readonly TrustedIssuer[] = []): Promise<EntraIssuer> {
    let raw = await store.getMeta(META.key);
    if (raw === undefined) {
      const generated = await generateSigningKey(now);
      raw = await store.putMetaIfAbsent(META.key, JSON.stringify(generated));
    }
    let key: StoredEntraKey;
    try {
      key = JSON.parse(raw) as StoredEntraKey;
    } catch (e) {
      throw new EmulatorError('STORAGE_FAILED', 'The stored local Entra issuer key is not valid JSON.', {
        cause: e,
      });
    }
    const tenantId = await metaOrCreate(store, META.tenant, randomUUID);
    const principalId = await metaOrCreate(store, META.systemPrincipal, randomUUID);
    const clientId = await metaOrCreate(store, META.systemClient, randomUUID);
    const header = await metaOrCreate(store, META.identityHeader, () =>
      randomBytes(24).toString('base64url'),
    );
    return new EntraIssuer(key, tenantId, { principalId, clientId }, header, trusted);
  }

  /** `<endpoint>entra/<tenant>/v2.0` (endpoint with a trailing slash). */
  issuerUrl(endpoint: string, tenantId = this.tenantId): string {
    return `${authorityHost(endpoint)}/${tenantId}/v2.0`;
  }

  /**
   * The OpenID Connect discovery document of a tenant, as served under `<issuer>/.well-known/openid-configuration`
   * (MSAL reads it from `<authorityHost>/<tenant>/v2.0/.well-known/openid-configuration`, the same address).
   */
  discovery(endpoint: string, tenantId: string): Record<string, unknown> {
    const issuer = this.issuerUrl(endpoint, tenantId);
    const oauth = `${authorityHost(endpoint)}/${tenantId}/oauth2/v2.0`;
    return {
      issuer,
      jwks_uri: `${authorityHost(endpoint)}/${tenantId}/discovery/v2.0/keys`,
      token_endpoint: `${oauth}/token`,
      // MSAL requires one; the emulator answers it with an OAuth error (no interactive sign-in).
      authorization_endpoint: `${oauth}/authorize`,
      grant_types_supported: ['client_credentials', 'password'],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
      response_types_supported: ['token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: [
        'aud',
        'iss',
        'iat',
        'nbf',
        'exp',
        'appid',
        'oid',
        'sub',
        'tid',
        'scp',
        'idtyp',
        'name',
        'preferred_username',
      ],
      tenant_region_scope: 'emulator',
    };
  }

  jwks(): { keys: Jwk[] } {
    return { keys: [this.#jwk] };
  }

  /** Mints a signed token (see {@link EntraTokenRequest}); throws `INVALID_OPTIONS` for a bad request. */
  mint(request: EntraTokenRequest, endpoint: string, now: number): MintedEntraToken {
    const r = normalizeTokenRequest(request);
    const tenantId = r.tenantId ?? this.tenantId;
    const iat = Math.floor(now / 1000);
    const exp = iat + r.expiresInSeconds;
    const user = r.kind !== 'principal';
    const claims: Record<string, unknown> = {
      aud: r.audience,
      iss: this.issuerUrl(endpoint, tenantId),
      iat: Math.min(iat, exp),
      nbf: Math.min(iat, exp),
      exp,
      appid: r.appId,
      appidacr: user ? '0' : '2',
      ...(r.groups.length > 0 ? { groups: r.groups } : {}),
      idtyp: user ? 'user' : 'app',
      oid: r.oid,
    };
    if (user) claims.scp = r.scopes.filter((s) => !r.omitScopes.includes(s)).join(' ');
    Object.assign(claims, {
      sub: r.oid,
      tid: tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
    });
    return { token: this.#sign(claims), expiresOn: new Date(exp * 1000), claims };
  }

  /**
   * An OpenID Connect ID token for a signed-in user, as the token endpoint returns it beside the access token when
   * `openid` is asked: audience the client application, the user's names and ids.
   */
  mintIdToken(
    user: { objectId: string; tenantId: string; username: string; displayName: string },
    clientId: string,
    endpoint: string,
    now: number,
    expiresInSeconds: number,
  ): string {
    const iat = Math.floor(now / 1000);
    return this.#sign({
      aud: clientId,
      iss: this.issuerUrl(endpoint, user.tenantId),
      iat,
      nbf: iat,
      exp: iat + expiresInSeconds,
      name: user.displayName,
      oid: user.objectId,
      preferred_username: user.username,
      sub: user.objectId,
      tid: user.tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '2.0',
    });
  }

  /**
   * A compact RS256 JWS of the claims with the issuer's key. Signed with node:crypto because minting is synchronous
   * (`emulator.mintEntraToken`); jose's signing is asynchronous. Every Entra token the emulator reads is decoded and
   * verified with jose (`verify`).
   */
  #sign(claims: Record<string, unknown>): string {
    const header = { alg: 'RS256', kid: this.#kid, x5t: this.#x5t, typ: 'JWT' };
    const signingInput = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const signature = sign('sha256', Buffer.from(signingInput), this.#privateKey).toString('base64url');
    return `${signingInput}.${signature}`;
  }

  /**
   * Verifies an Entra token with jose: RS256 signature by the local issuer (an `iss` of the form `.../entra/<tid>/v2.0`,
   * any host) or by a trusted issuer (exact `iss`), then `nbf`/`exp` (with the skew; `expirySkewMs` may tighten the
   * latter), the audience and the required scopes.
   */
  async verify(token: unknown, o: VerifyEntraOptions): Promise<EntraVerdict> {
    if (typeof token !== 'string' || token.length > 16_384) return { ok: false, reason: 'malformed' };
    let header: JWSHeaderParameters;
    let unverified: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      unverified = decodeJwt(token);
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (header.alg !== 'RS256' || typeof unverified.iss !== 'string')
      return { ok: false, reason: 'bad-signature' };
    const key = await this.#keyFor(header, unverified, o.now);
    if (key === 'untrusted') return { ok: false, reason: 'untrusted-issuer' };
    if (!key) return { ok: false, reason: 'bad-signature' };
    const options = {
      algorithms: ['RS256'],
      currentDate: new Date(o.now),
      clockTolerance: o.skewMs / 1000,
      requiredClaims: ['exp'],
    };
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await (typeof key === 'function'
        ? jwtVerify(token, key, options)
        : jwtVerify(token, key, options)));
    } catch (e) {
      return { ok: false, reason: rejectionOf(e) };
    }
    const expirySkewSec = (o.expirySkewMs ?? o.skewMs) / 1000;
    if ((claims.exp ?? 0) + expirySkewSec <= o.now / 1000) return { ok: false, reason: 'expired' };
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.some((a) => typeof a === 'string' && o.audience.test(a)))
      return { ok: false, reason: 'wrong-audience' };
    if (o.requiredScopes && o.requiredScopes.length > 0) {
      const scp = typeof claims.scp === 'string' ? claims.scp.split(' ') : [];
      if (!o.requiredScopes.every((s) => scp.includes(s))) return { ok: false, reason: 'missing-scope' };
    }
    if (o.anyScopes && o.anyScopes.length > 0) {
      const scp = typeof claims.scp === 'string' ? claims.scp.toLowerCase().split(' ') : [];
      if (!o.anyScopes.some((s) => scp.includes(s.toLowerCase())))
        return { ok: false, reason: 'missing-scope' };
    }
    return { ok: true, claims, issuer: unverified.iss };
  }

  /** The local key (its `kid`, an issuer naming the token's tenant), a trusted issuer's key set, or `untrusted`. */
  async #keyFor(
    header: JWSHeaderParameters,
    claims: JWTPayload,
    now: number,
  ): Promise<KeyObject | KeyResolver | 'untrusted' | undefined> {
    const iss = String(claims.iss);
    if (header.kid === this.#kid) {
      const tid = claims.tid;
      return typeof tid === 'string' && iss.endsWith(`/entra/${tid}/v2.0`) ? this.#publicKey : 'untrusted';
    }
    if (!this.#trusted.has(iss)) return 'untrusted';
    return this.#trusted.resolver(iss, now);
  }
}

/** Why jose refused a token. */
function rejectionOf(e: unknown): EntraRejection {
  if (e instanceof errors.JWTExpired) return 'expired';
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'nbf') return 'not-yet-valid';
    if (e.claim === 'exp') return 'expired';
    return 'malformed';
  }
  if (e instanceof errors.JWTInvalid || e instanceof errors.JWSInvalid) return 'malformed';
  return 'bad-signature';
}

async function metaOrCreate(store: Store, key: string, create: () => string): Promise<string> {
  return (await store.getMeta(key)) ?? store.putMetaIfAbsent(key, create());
}

type TokenKind = 'teams-user' | 'teams-extension-user' | 'entra-user' | 'principal';

interface NormalizedTokenRequest {
  kind: TokenKind;
  oid: string;
  appId: string;
  tenantId: string | undefined;
  scopes: readonly string[];
  omitScopes: readonly string[];
  groups: readonly string[];
  audience: string;
  expiresInSeconds: number;
}

function invalid(message: string): EmulatorError {
  return new EmulatorError('INVALID_OPTIONS', message);
}

/** Each kind of token: the request field naming its `oid`, how messages call it, its audience and `scp`. */
const TOKEN_KINDS: Readonly<
  Record<
    TokenKind,
    { field: keyof EntraTokenRequest; name: string; audience: string; scopes: readonly string[] }
  >
> = {
  'teams-user': {
    field: 'teamsUser',
    name: 'Teams user',
    audience: TEAMS_EXCHANGE_AUDIENCE,
    scopes: TEAMS_EXCHANGE_SCOPES,
  },
  'teams-extension-user': {
    field: 'teamsExtensionUser',
    name: 'Teams Extension user',
    audience: TEAMS_EXTENSION_AUDIENCE,
    scopes: [TEAMS_EXTENSION_SCOPE],
  },
  'entra-user': {
    field: 'entraUser',
    name: 'Entra user',
    audience: ENTRA_CLIENTS_AUDIENCE,
    scopes: ['VoIP'],
  },
  principal: { field: 'principal', name: 'principal', audience: DATA_PLANE_AUDIENCE, scopes: [] },
};

function shown(value: unknown): string {
  return String(value).slice(0, 60);
}

/** A list of permission names (no spaces: `scp` is space-separated). */
function permissionsOf(value: readonly string[] | undefined, what: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && /^[\w.:/-]{1,100}$/.test(s))) {
    throw invalid(`${what} takes permission names such as VoIP or TeamsExtension.ManageCalls.`);
  }
  return value;
}

/** Validates a token request, throwing `INVALID_OPTIONS` that says what to fix. */
export function normalizeTokenRequest(r: EntraTokenRequest): NormalizedTokenRequest {
  if (typeof r !== 'object' || r === null) throw invalid('An Entra token request must be an object.');
  const kinds = (Object.keys(TOKEN_KINDS) as TokenKind[]).filter(
    (k) => r[TOKEN_KINDS[k].field] !== undefined,
  );
  const [kind] = kinds;
  if (kind === undefined || kinds.length > 1) {
    throw invalid(
      'Give one of teamsUser, teamsExtensionUser, entraUser (a user object id) or principal (a principal object id).',
    );
  }
  const spec = TOKEN_KINDS[kind];
  const oid = String(r[spec.field]);
  if (!isGuid(oid)) throw invalid(`The ${spec.name} id must be a GUID; got ${shown(oid)}.`);
  const appId = r.appId ?? (kind === 'principal' ? oid : undefined);
  if (appId === undefined)
    throw invalid(`A ${spec.name} token needs appId: the Entra application (client) id.`);
  if (!isGuid(appId)) throw invalid(`appId must be a GUID; got ${shown(appId)}.`);
  if (r.tenantId !== undefined && !isGuid(r.tenantId))
    throw invalid(`tenantId must be a GUID; got ${shown(r.tenantId)}.`);
  const scopes = r.scopes === undefined ? spec.scopes : permissionsOf(r.scopes, 'scopes');
  const omitScopes = permissionsOf(r.omitScopes, 'omitScopes');
  if (kind === 'principal' && (scopes.length > 0 || omitScopes.length > 0)) {
    throw invalid('scopes and omitScopes apply to user tokens only.');
  }
  const unknown = omitScopes.find((s) => !spec.scopes.includes(s));
  if (unknown !== undefined && r.scopes === undefined) {
    throw invalid(
      `omitScopes takes ${spec.scopes.join(' or ')} for a ${spec.name} token; got ${shown(unknown)}.`,
    );
  }
  const groups = r.groups ?? [];
  if (!Array.isArray(groups) || !groups.every(isGuid))
    throw invalid('groups takes group object ids (GUIDs).');
  if (kind !== 'entra-user' && groups.length > 0) throw invalid('groups applies to Entra user tokens only.');
  const audience = r.audience ?? spec.audience;
  if (typeof audience !== 'string' || audience.trim() === '')
    throw invalid('audience must be a non-empty string.');
  const expiresInSeconds = r.expiresInSeconds ?? 3600;
  if (!Number.isInteger(expiresInSeconds) || Math.abs(expiresInSeconds) > 366 * 86_400) {
    throw invalid(
      `expiresInSeconds must be a whole number of seconds (at most a year); got ${String(expiresInSeconds)}.`,
    );
  }
  return { kind, oid, appId, tenantId: r.tenantId, scopes, omitScopes, groups, audience, expiresInSeconds };
}
