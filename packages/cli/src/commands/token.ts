import { assertCommunicationUserId } from '@acs-identity/core';
import { confirm } from '../confirm.js';
import { openClient } from '../connection.js';
import type { CommandHandler } from '../handler.js';
import type { TOKEN_ISSUE, TOKEN_REVOKE } from '../specs/identity.js';
import { rethrow, tokenJson } from './shared.js';

/** `token issue --scope ... [--user <id>] [--expires-in-minutes N]`: without --user a user is created too. */
export const tokenIssue: CommandHandler<typeof TOKEN_ISSUE> = async (args, context) => {
  const client = await openClient(args, context);
  const expires = args['expires-in-minutes'];
  const options = expires === undefined ? {} : { expiresInMinutes: expires };
  try {
    if (args.user !== undefined)
      return tokenJson(await client.issueToken(args.user, args.scope, options), args.user);
    const created = await client.createUserAndToken(args.scope, options);
    return tokenJson(created, created.rawId);
  } catch (error) {
    return rethrow(error);
  }
};

/** `token revoke --user <id> [--yes]`. */
export const tokenRevoke: CommandHandler<typeof TOKEN_REVOKE> = async (args, context) => {
  assertCommunicationUserId(args.user, '--user');
  const client = await openClient(args, context);
  await confirm(context, `Revoke every access token of ${args.user}?`, args.yes);
  try {
    await client.revokeTokens(args.user);
  } catch (error) {
    return rethrow(error);
  }
  context.log.info(`Revoked the tokens of ${args.user}.`);
  return undefined;
};
