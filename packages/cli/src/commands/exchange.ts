import { decodeAccessToken, isAcsIdentityError } from '@acs-identity/core';
import type { EntraTokenExchangeKind } from '@acs-identity/core/node';
import { openClient } from '../connection.js';
import type { CommandContext } from '../context.js';
import { CliError } from '../errors.js';
import type { CommandHandler } from '../handler.js';
import { addSecret } from '../redact.js';
import type { TOKEN_ENTRA_USER, TOKEN_TEAMS, TOKEN_TEAMS_EXTENSION } from '../specs/exchanges.js';
import { rethrow, tokenJson } from './shared.js';

/** When the Entra ID token expired, read from its own `exp` (offline), or undefined when it has not or cannot tell. */
function expiredAt(entraToken: string, context: CommandContext): Date | undefined {
  try {
    const { expiresOn } = decodeAccessToken(entraToken);
    return expiresOn.getTime() <= context.io.now() ? expiresOn : undefined;
  } catch {
    return undefined;
  }
}

/** What a refused exchange is about: the flag that carried the token, and the error table's words for it. */
interface ExchangeFlag {
  /** `aad-token`, `entra-token`. */
  readonly flag: string;
  /** The hints of a refused token (UNAUTHENTICATED) or of a user the service does not let in (FORBIDDEN). */
  readonly about: string;
  /** The hint of an expired token. */
  readonly expired: string;
  /** The service also refuses users without an assignment (FORBIDDEN), which `about`'s hint explains. */
  readonly assigned: boolean;
}

/**
 * A refused Entra ID token is about the token given, not the connection: the hint says how to get a good one (or, when
 * the service refuses the user, how to assign it), and the message says when the token expired if it has.
 */
function exchangeError(error: unknown, token: string, flag: ExchangeFlag, context: CommandContext): never {
  const ours =
    isAcsIdentityError(error) &&
    (error.code === 'UNAUTHENTICATED' || (error.code === 'FORBIDDEN' && flag.assigned));
  if (!ours) return rethrow(error);
  const expired = error.code === 'UNAUTHENTICATED' ? expiredAt(token, context) : undefined;
  const message = expired
    ? `${error.message} The Entra ID token given with --${flag.flag} expired at ${expired.toISOString()}.`
    : error.message;
  throw new CliError(error.code, message, {
    cause: error,
    about: expired ? flag.expired : flag.about,
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.serviceCode === undefined ? {} : { serviceCode: error.serviceCode }),
  });
}

const TEAMS_USER: ExchangeFlag = {
  flag: 'aad-token',
  about: 'aad-token',
  expired: 'aad-token-expired',
  assigned: false,
};

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
    return exchangeError(error, aadToken, TEAMS_USER, context);
  }
};

const ENTRA_FLAGS: Readonly<Record<EntraTokenExchangeKind, ExchangeFlag>> = {
  teamsExtension: {
    flag: 'entra-token',
    about: 'teams-extension-token',
    expired: 'entra-token-expired',
    assigned: true,
  },
  entra: { flag: 'entra-token', about: 'entra-user-token', expired: 'entra-token-expired', assigned: true },
};

/**
 * One of the two exchanges of an end user's Entra ID token (the route named, whatever the token's audience says: a
 * token for the other route is refused by the service, as it would be by a real one). Prints token issue's shape.
 */
async function exchangeEntraToken(
  kind: EntraTokenExchangeKind,
  args: Parameters<CommandHandler<typeof TOKEN_ENTRA_USER>>[0],
  context: CommandContext,
) {
  const entraToken = args['entra-token'];
  addSecret(entraToken);
  const client = await openClient(args, context);
  try {
    const exchanged = await client.exchangeEntraToken({ entraToken, kind });
    return tokenJson(exchanged, exchanged.rawId);
  } catch (error) {
    return exchangeError(error, entraToken, ENTRA_FLAGS[kind], context);
  }
}

/** `token get-for-teams-extension-user --entra-token <jwt>`. */
export const tokenGetForTeamsExtensionUser: CommandHandler<typeof TOKEN_TEAMS_EXTENSION> = (args, context) =>
  exchangeEntraToken('teamsExtension', args, context);

/** `token get-for-entra-user --entra-token <jwt>`. */
export const tokenGetForEntraUser: CommandHandler<typeof TOKEN_ENTRA_USER> = (args, context) =>
  exchangeEntraToken('entra', args, context);
