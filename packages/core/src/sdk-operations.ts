/**
 * The ACS Identity operations over `@azure/communication-identity` (create, issue, revoke, delete, the Teams user
 * exchange), at the client's api-version, with inputs checked locally first. Node entry.
 */
import {
  CommunicationIdentityClient,
  type CommunicationIdentityClientOptions,
} from '@azure/communication-identity';
import type { TokenCredential } from '@azure/core-auth';
import { apiVersionFeatures } from './api-versions.js';
import type { IdentityOperationOptions, NormalizedOptions } from './client-options.js';
import { AcsIdentityError, toAcsIdentityError } from './errors.js';
import { assertCommunicationUserId } from './identifiers.js';
import { validateTokenLifetime } from './lifetimes.js';
import type {
  CreatedUser,
  CreatedUserAndToken,
  IssuedToken,
  IssueTokenOptions,
  TeamsTokenExchangeInput,
} from './operation-types.js';
import { type TransportOptions, withoutRequestSecrets } from './pipeline-policies.js';
import { parseScopes } from './scopes.js';
import type { TokenScope } from './vocabulary.js';

const GUID = /^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i;

/** The operations the published SDK has. */
export interface SdkOperations {
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

/** Runs the local checks, then the call; every failure becomes an `AcsIdentityError` without request secrets. */
export async function run<T>(local: () => () => Promise<T>): Promise<T> {
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

export function sdkOperations(o: NormalizedOptions, transport: TransportOptions): SdkOperations {
  const features = apiVersionFeatures(o.apiVersion);
  const sdkOptions: CommunicationIdentityClientOptions & { apiVersion: string } = {
    ...transport,
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

  return {
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
