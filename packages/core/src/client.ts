/**
 * The ACS Identity operations over `@azure/communication-identity`, authenticated by connection string or by endpoint
 * plus a `TokenCredential`. Node entry.
 */
import {
  CommunicationIdentityClient,
  type CommunicationIdentityClientOptions,
} from '@azure/communication-identity';
import type { TokenCredential } from '@azure/core-auth';
import { apiVersionFeatures } from './api-versions.js';
import { type IdentityClientOptions, normalizeOptions } from './client-options.js';
import { AcsIdentityError, toAcsIdentityError } from './errors.js';
import { assertCommunicationUserId } from './identifiers.js';
import { validateTokenLifetime } from './lifetimes.js';
import { transportOptions, withoutRequestSecrets } from './pipeline-policies.js';
import { parseScopes } from './scopes.js';
import type { ApiVersion, TokenScope } from './vocabulary.js';

export type {
  IdentityClientOptions,
  IdentityClientRetryOptions,
  IdentityRequestLogEntry,
} from './client-options.js';

/** Options every operation takes. */
export interface IdentityOperationOptions {
  abortSignal?: AbortSignal;
}

/** Options of the operations that issue a token. */
export interface IssueTokenOptions extends IdentityOperationOptions {
  /** Token lifetime, 60..1440. @default 1440 (chosen by the service; not sent) */
  expiresInMinutes?: number;
}

export interface IssuedToken {
  token: string;
  expiresOn: Date;
}

export interface CreatedUser {
  rawId: string;
}

export interface CreatedUserAndToken extends IssuedToken {
  rawId: string;
}

export interface TeamsTokenExchangeInput {
  /** The Teams user's Entra ID access token (delegated `Teams.ManageCalls`, `Teams.ManageChats`). Secret. */
  aadToken: string;
  /** The Entra application (client) id the token was issued to: its `appid` claim. */
  appId: string;
  /** The Teams user's Entra object id: the token's `oid` claim. */
  userId: string;
}

/** The ACS Identity operations. Every failure is an `AcsIdentityError`. */
export interface IdentityClient {
  /** The endpoint, with a trailing slash. */
  readonly endpoint: string;
  readonly apiVersion: ApiVersion;
  createUser(options?: IdentityOperationOptions): Promise<CreatedUser>;
  createUserAndToken(scopes: readonly string[], options?: IssueTokenOptions): Promise<CreatedUserAndToken>;
  issueToken(userId: string, scopes: readonly string[], options?: IssueTokenOptions): Promise<IssuedToken>;
  revokeTokens(userId: string, options?: IdentityOperationOptions): Promise<void>;
  deleteUser(userId: string, options?: IdentityOperationOptions): Promise<void>;
  exchangeTeamsToken(
    input: TeamsTokenExchangeInput,
    options?: IdentityOperationOptions,
  ): Promise<IssuedToken>;
}

const GUID = /^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i;

/**
 * Creates an {@link IdentityClient}. Validates the options first and throws `AcsIdentityError` with code
 * `NOT_CONFIGURED` (nothing to connect to, unreadable CA file) or `INVALID_INPUT` (malformed connection string,
 * endpoint, api-version...). Makes no network call.
 */
export function createIdentityClient(options: IdentityClientOptions): IdentityClient {
  const o = normalizeOptions(options);
  const features = apiVersionFeatures(o.apiVersion);
  const sdkOptions: CommunicationIdentityClientOptions & { apiVersion: string } = {
    ...transportOptions(o),
    apiVersion: o.apiVersion,
  };
  // The SDK reads `apiVersion` from its options at runtime although its public type does not declare it.
  const sdk = new CommunicationIdentityClient(o.endpoint, o.credential as TokenCredential, sdkOptions);

  const opts = (options?: IdentityOperationOptions) =>
    options?.abortSignal ? { abortSignal: options.abortSignal } : {};

  function scopesFor(input: readonly string[]): TokenScope[] {
    const scopes = parseScopes(input);
    const unsupported = scopes.filter((s) => !features.scopes.includes(s));
    if (unsupported.length > 0) {
      throw new AcsIdentityError(
        'INVALID_INPUT',
        `Scope ${unsupported.join(', ')} needs api-version 2023-10-01 or later; this client uses ${o.apiVersion}.`,
        { target: 'scopes' },
      );
    }
    return scopes;
  }

  function tokenOptions(options?: IssueTokenOptions) {
    const out: { tokenExpiresInMinutes?: number; abortSignal?: AbortSignal } = opts(options);
    if (options?.expiresInMinutes !== undefined) {
      const minutes = validateTokenLifetime(options.expiresInMinutes);
      if (!features.expiresInMinutes) {
        throw new AcsIdentityError(
          'INVALID_INPUT',
          `A custom token lifetime needs api-version 2022-10-01 or later; this client uses ${o.apiVersion}.`,
          { target: 'ExpiresInMinutes' },
        );
      }
      out.tokenExpiresInMinutes = minutes;
    }
    return out;
  }

  async function run<T>(local: () => () => Promise<T>): Promise<T> {
    // Validation errors are thrown synchronously by `local` and surface as rejections, before any network call.
    let call: () => Promise<T>;
    try {
      call = local();
    } catch (e) {
      throw toAcsIdentityError(e);
    }
    try {
      return await call();
    } catch (e) {
      throw toAcsIdentityError(withoutRequestSecrets(e));
    }
  }

  return {
    endpoint: o.endpoint,
    apiVersion: o.apiVersion,
    createUser: (options) =>
      run(() => async () => {
        const user = await sdk.createUser(opts(options));
        return { rawId: user.communicationUserId };
      }),
    createUserAndToken: (scopes, options) =>
      run(() => {
        const s = scopesFor(scopes);
        const t = tokenOptions(options);
        return async () => {
          const r = await sdk.createUserAndToken(s, t);
          return { rawId: r.user.communicationUserId, token: r.token, expiresOn: r.expiresOn };
        };
      }),
    issueToken: (userId, scopes, options) =>
      run(() => {
        const id = assertCommunicationUserId(userId, 'userId');
        const s = scopesFor(scopes);
        const t = tokenOptions(options);
        return async () => {
          const r = await sdk.getToken({ communicationUserId: id }, s, t);
          return { token: r.token, expiresOn: r.expiresOn };
        };
      }),
    revokeTokens: (userId, options) =>
      run(() => {
        const id = assertCommunicationUserId(userId, 'userId');
        return () => sdk.revokeTokens({ communicationUserId: id }, opts(options));
      }),
    deleteUser: (userId, options) =>
      run(() => {
        const id = assertCommunicationUserId(userId, 'userId');
        return () => sdk.deleteUser({ communicationUserId: id }, opts(options));
      }),
    exchangeTeamsToken: (input, options) =>
      run(() => {
        if (!features.teamsExchange) {
          throw new AcsIdentityError(
            'INVALID_INPUT',
            `The Teams token exchange needs api-version 2022-06-01 or later; this client uses ${o.apiVersion}.`,
          );
        }
        const { aadToken, appId, userId } = input ?? ({} as Partial<TeamsTokenExchangeInput>);
        if (typeof aadToken !== 'string' || aadToken.trim() === '') {
          throw new AcsIdentityError(
            'INVALID_INPUT',
            "aadToken is required: the Teams user's Entra ID access token.",
            {
              target: 'token',
            },
          );
        }
        if (typeof appId !== 'string' || !GUID.test(appId)) {
          throw new AcsIdentityError('INVALID_INPUT', 'Provided AppId has invalid format.', {
            target: 'appId',
          });
        }
        if (typeof userId !== 'string' || !GUID.test(userId)) {
          throw new AcsIdentityError('INVALID_INPUT', 'Provided UserId has invalid format.', {
            target: 'userId',
          });
        }
        return async () => {
          const r = await sdk.getTokenForTeamsUser({
            teamsUserAadToken: aadToken,
            clientId: appId,
            userObjectId: userId,
            ...opts(options),
          });
          return { token: r.token, expiresOn: r.expiresOn };
        };
      }),
  };
}
