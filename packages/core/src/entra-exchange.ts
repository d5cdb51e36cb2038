/**
 * The exchange of an end user's Entra token for an ACS token, for callers who hold one (newest-API reference sections
 * 2.3, 2.5): Teams Phone extensibility (`/access/teamsExtension/:exchangeAccessToken`, 2025-06-30) or Entra ID users
 * (`/access/entra/:exchangeAccessToken`, 2025-03-02-preview). The token is the request's bearer; the client's own
 * credential is not used. Node entry.
 */
import { type EntraTokenExchangeKind, exchangeKindOf } from './access-input.js';
import { apiVersionFor } from './api-versions.js';
import type { IdentityOperationOptions } from './client-options.js';
import { AcsIdentityError } from './errors.js';
import type { EntraTokenExchangeInput, ExchangedToken } from './operation-types.js';
import type { RestCaller } from './rest-client.js';
import type { ApiVersion } from './vocabulary.js';

const EXCHANGES: Record<EntraTokenExchangeKind, { path: string; feature: 'teamsExtension' | 'entraUsers' }> =
  {
    teamsExtension: { path: '/access/teamsExtension/:exchangeAccessToken', feature: 'teamsExtension' },
    entra: { path: '/access/entra/:exchangeAccessToken', feature: 'entraUsers' },
  };

export interface EntraExchangeOperations {
  exchangeEntraToken(
    input: EntraTokenExchangeInput,
    options?: IdentityOperationOptions,
  ): Promise<ExchangedToken>;
}

/** The exchange over a caller that adds no credential of its own. */
export function entraExchangeOperations(
  anonymous: RestCaller,
  preferred: ApiVersion,
): EntraExchangeOperations {
  return {
    async exchangeEntraToken(input, options) {
      const { entraToken, kind } = input ?? ({} as Partial<EntraTokenExchangeInput>);
      if (typeof entraToken !== 'string' || entraToken.trim() === '') {
        throw new AcsIdentityError(
          'INVALID_INPUT',
          "entraToken is required: the end user's Entra access token.",
          {
            target: 'entraToken',
          },
        );
      }
      const exchange = EXCHANGES[kind ?? exchangeKindOf(entraToken)];
      if (exchange === undefined) {
        throw new AcsIdentityError('INVALID_INPUT', 'kind must be teamsExtension or entra.', {
          target: 'kind',
        });
      }
      const r = await anonymous({
        method: 'POST',
        path: exchange.path,
        apiVersion: apiVersionFor(exchange.feature, preferred),
        body: {},
        headers: { authorization: `Bearer ${entraToken.trim()}` },
        abortSignal: options?.abortSignal,
      });
      const answer = r.body as {
        identity?: { id?: unknown };
        accessToken?: { token?: unknown; expiresOn?: unknown };
      };
      return {
        rawId: String(answer.identity?.id),
        token: String(answer.accessToken?.token),
        expiresOn: new Date(String(answer.accessToken?.expiresOn)),
      };
    },
  };
}
