import { assertCommunicationUserId } from '@acs-identity/core';
import type { IssuedToken } from '@acs-identity/core/node';
import type { CommandHandler } from '../cli.js';
import { confirm } from '../confirm.js';
import { openClient } from '../connection.js';
import type {
  ConnectionValues,
  GlobalValues,
  OptionValues,
  TOKEN_ISSUE,
  TOKEN_REVOKE,
  TOKEN_TEAMS,
} from '../options.js';
import type { JsonValue } from '../output.js';
import { addSecret } from '../redact.js';
import { rethrow } from './shared.js';

type IssueArgs = OptionValues<(typeof TOKEN_ISSUE)['options']> & ConnectionValues & GlobalValues;
type RevokeArgs = OptionValues<(typeof TOKEN_REVOKE)['options']> & ConnectionValues & GlobalValues;
type TeamsArgs = OptionValues<(typeof TOKEN_TEAMS)['options']> & ConnectionValues & GlobalValues;

function tokenJson(issued: IssuedToken, userId?: string): JsonValue {
  addSecret(issued.token);
  const out: { [key: string]: JsonValue } = {
    expires_on: issued.expiresOn.toISOString(),
    token: issued.token,
  };
  if (userId !== undefined) out.user_id = userId;
  return out;
}

/** `token issue --scope ... [--user <id>] [--expires-in-minutes N]`: without --user a user is created too. */
export const tokenIssue: CommandHandler = async (raw, context) => {
  const args = raw as IssueArgs;
  const client = await openClient(args, context);
  const options =
    args['expires-in-minutes'] === undefined ? {} : { expiresInMinutes: args['expires-in-minutes'] };
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
export const tokenRevoke: CommandHandler = async (raw, context) => {
  const args = raw as RevokeArgs;
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

/** `token get-for-teams-user --aad-token --client --aad-user`. */
export const tokenGetForTeamsUser: CommandHandler = async (raw, context) => {
  const args = raw as TeamsArgs;
  addSecret(args['aad-token']);
  const client = await openClient(args, context);
  try {
    return tokenJson(
      await client.exchangeTeamsToken({
        aadToken: args['aad-token'],
        appId: args.client,
        userId: args['aad-user'],
      }),
    );
  } catch (error) {
    return rethrow(error);
  }
};
