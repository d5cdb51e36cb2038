import { assertCommunicationUserId } from '@acs-identity/core';
import { confirm } from '../confirm.js';
import { openClient } from '../connection.js';
import { CliError } from '../errors.js';
import type { CommandHandler } from '../handler.js';
import type { TOKEN_ISSUE, TOKEN_REVOKE } from '../specs/identity.js';
import { rethrow, tokenJson } from './shared.js';

/**
 * `token issue --scope ... [--user <id> | --custom-id <id>] [--expires-in-minutes N]`: without --user a user is
 * created too (with --custom-id: the user of that custom id, created on first use).
 */
export const tokenIssue: CommandHandler<typeof TOKEN_ISSUE> = async (args, context) => {
  const customId = args['custom-id'];
  if (args.user !== undefined && customId !== undefined) {
    throw new CliError(
      'USAGE',
      '--user and --custom-id do not go together: each names the user the token is for.',
      { hint: 'Give --user <raw id> for an existing user, or --custom-id <id> for the user of your own id.' },
    );
  }
  const client = await openClient(args, context);
  const expires = args['expires-in-minutes'];
  const options = expires === undefined ? {} : { expiresInMinutes: expires };
  try {
    if (args.user !== undefined)
      return tokenJson(await client.issueToken(args.user, args.scope, options), args.user);
    const created = await client.createUserAndToken(args.scope, {
      ...options,
      ...(customId === undefined ? {} : { customId }),
    });
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
