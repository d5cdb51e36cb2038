/**
 * What the request pipeline, the authenticators and the handlers share: the emulator's state ({@link ServiceContext}),
 * one request as a handler sees it ({@link ServiceRequest}), a handler's answer ({@link Reply}) and the shape of a row
 * of the route table ({@link RouteDefinition}). Types only, so every side imports it without a cycle.
 */
import type { IncomingMessage } from 'node:http';
import type { ApiVersion } from '@acs-identity/core';
import type { PublicEndpoint } from './endpoint.js';
import type { EntraIssuer } from './entra.js';
import type { AccessKeyName } from './hmac.js';
import type { Keyring } from './keyring.js';
import type { NormalizedOptions } from './options.js';
import type { RateLimitedOperation, RateLimiter } from './rate-limit.js';
import type { ResourceRecord, Store } from './store.js';

/** The emulator's state, built once by `createEmulator`. */
export interface ServiceContext {
  readonly options: NormalizedOptions;
  readonly store: Store;
  readonly keyring: Keyring;
  readonly resource: ResourceRecord;
  readonly limiter: RateLimiter | undefined;
  readonly entra: EntraIssuer;
  /** The endpoint documents and tokens name (the configured public one, else where it listens). */
  readonly publicEndpoint: PublicEndpoint;
}

/** One request after the pipeline matched, read, versioned and authenticated it. */
export interface ServiceRequest {
  readonly req: IncomingMessage;
  readonly method: string;
  /** The path as received (not decoded). */
  readonly pathname: string;
  /** The query string without `?` (empty when there is none). */
  readonly search: string;
  /** The `api-version` query value as received. */
  readonly requestedVersion: string | null;
  /** Percent-decoded path parameters, e.g. `id` of `/identities/{id}`. */
  readonly params: Readonly<Record<string, string>>;
  /** The raw body (its SHA-256 is part of an HMAC signature). */
  readonly body: Buffer;
  /**
   * `${scheme}://${Host}/`: the endpoint as this request reached it, for messages that quote the request URI only;
   * documents and tokens name `ctx.publicEndpoint`, never a header a client chose.
   */
  readonly endpoint: string;
  /** The body parsed as a JSON object (`{}` when the route takes none or it is empty). */
  input: Record<string, unknown>;
  /** The ACS api-version of the request (ACS routes only). */
  apiVersion: ApiVersion | undefined;
  /** The access key whose tokens this request gets (bearer requests: the primary key's). */
  keyName: AccessKeyName;
  /** The verified claims of the end user's Entra token (the Teams Extension and Entra token exchanges only). */
  endUser: Readonly<Record<string, unknown>> | undefined;
}

/** What a handler answers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: ServiceContext, request: ServiceRequest) => Promise<Reply> | Reply;

/**
 * How a route is authenticated (`authenticators.ts` holds the list for each kind; the first authenticator that applies
 * decides): `service`, an ACS access key (HMAC) or an Entra bearer token of a granted principal; `arm`, an Entra token
 * for Azure Resource Manager; `managed-identity`, the `X-IDENTITY-HEADER` secret; `teams-extension-user` and
 * `entra-user`, the end user's own Entra token (the token exchanges of Teams Phone extensibility and of Entra ID users);
 * `none`.
 */
export type AuthKind =
  | 'service'
  | 'arm'
  | 'managed-identity'
  | 'teams-extension-user'
  | 'entra-user'
  | 'none';

/**
 * The api-versions a route exists at, and how it answers the others: `acs`, the ACS Identity versions listed (400
 * `ApiVersionUnspecified`/`UnsupportedApiVersion`); `arm`, any value but required (400 `MissingApiVersionParameter`);
 * `managed-identity`, exactly the App Service protocol's; `none`, no api-version.
 */
export type ApiVersionPolicy =
  | { readonly kind: 'acs'; readonly versions: readonly ApiVersion[] }
  | { readonly kind: 'arm' }
  | { readonly kind: 'managed-identity'; readonly version: string }
  | { readonly kind: 'none' };

/** One row of the route table. */
export interface RouteDefinition {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Literal segments and `{name}` parameters, e.g. `/identities/{id}/:issueAccessToken`. */
  readonly path: string;
  /** The operation's name in the request log. */
  readonly operation: string;
  readonly auth: AuthKind;
  readonly apiVersions: ApiVersionPolicy;
  /** Literal segments match in any case (ARM). @default false */
  readonly caseInsensitive?: boolean;
  /** Checks of path parameters: a value that fails makes the route not match (404). */
  readonly where?: Readonly<Record<string, (value: string) => boolean>>;
  /**
   * `json`: the body is parsed into `input` (415/400 when it is not a JSON object); `form`: an
   * `application/x-www-form-urlencoded` body is parsed into `input` (another content type gives `{}`); `none`: ignored.
   */
  readonly body: 'json' | 'form' | 'none';
  /**
   * How the route's errors are written: `service`, the service's `{"error":{"code","message"}}`; `oauth`, Entra's
   * OAuth 2.0 `{"error","error_description",...}` (`oauth-errors.ts`). @default 'service'
   */
  readonly errors?: 'service' | 'oauth';
  /** The per-resource budget the request takes (reference section 7), decided from the parsed body. */
  readonly rateLimit?: (input: Record<string, unknown>) => RateLimitedOperation;
  readonly handler: Handler;
}
