import { decodeAccessToken, isAcsIdentityError } from '@acs-identity/core';
import { openClient } from '../connection.js';
import type { CommandContext } from '../context.js';
import { CliError } from '../errors.js';
import type { CommandHandler } from '../handler.js';
import { addSecret } from '../redact.js';
import type { TOKEN_TEAMS } from '../specs/identity.js';
import { rethrow, tokenJson } from './shared.js';

/** When the Entra ID token expired, read from its own `exp` (offline), or undefined when it has not or cannot tell. */
function expiredAt(aadToken: string, context: CommandContext): Date | undefined {
  try {
    const { expiresOn } = decodeAccessToken(aadToken);
    return expiresOn.getTime() <= context.io.now() ? expiresOn : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A refused Entra ID token is about --aad-token, not the connection: the hint says how to get a good one, and the
 * message says when the token expired if it has.
 */
function aadTokenError(error: unknown, aadToken: string, context: CommandContext): never {
  if (!isAcsIdentityError(error) || error.code !== 'UNAUTHENTICATED') return rethrow(error);
  const expired = expiredAt(aadToken, context);
  const message = expired
    ? `${error.message} The Entra ID token given with --aad-token expired at ${expired.toISOString()}.`
    : error.message;
  throw new CliError('UNAUTHENTICATED', message, {
    cause: error,
    about: expired ? 'aad-token-expired' : 'aad-token',
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.serviceCode === undefined ? {} : { serviceCode: error.serviceCode }),
  });
}

/** `token get-for-teams-user --aad-token --client --aad-user`. */
export const tokenGetForTeamsUser: CommandHandler<typeof TOKEN_TEAMS> = async (args, context) => {
  const aadToken = args['aad-token'];
  addSecret(aadToken);
  const client = await openClient(args, context);
  try {
    return tokenJson(
      await client.exchangeTeamsToken({ aadToken, appId: args.client, userId: args['aad-user'] }),
    );
  } catch (error) {
    return aadTokenError(error, aadToken, context);
  }
};
