import { CliError } from '../errors.js';
import type { CommandHandler } from '../handler.js';
import type { JsonValue } from '../json.js';
import { addSecret } from '../redact.js';
import type {
  EMULATOR_ENTRA_TOKEN,
  EMULATOR_ROLE_ASSIGN,
  EMULATOR_ROLE_LIST,
  EMULATOR_ROLE_REMOVE,
} from '../specs/emulator.js';
import { stateOptions } from './shared.js';

function grantJson(grant: { principalId: string; role: string; createdAtMs: number }): JsonValue {
  return {
    principalId: grant.principalId,
    role: grant.role,
    createdAt: new Date(grant.createdAtMs).toISOString(),
  };
}

/** `emulator entra token --teams-user <oid> --app <appid> | --principal <id>`: a token of the local Entra issuer. */
export const emulatorEntraToken: CommandHandler<typeof EMULATOR_ENTRA_TOKEN> = async (args, context) => {
  if ((args['teams-user'] === undefined) === (args.principal === undefined)) {
    throw new CliError('USAGE', 'Give either --teams-user <oid> (with --app) or --principal <id>.');
  }
  if (args['teams-user'] !== undefined && args.app === undefined) {
    throw new CliError(
      'USAGE',
      '--teams-user needs --app <appid>: the Entra application the token was issued to.',
    );
  }
  if (args.principal !== undefined && args['omit-scope'] !== undefined) {
    throw new CliError('USAGE', '--omit-scope applies to Teams user tokens (--teams-user) only.');
  }
  const expiresIn = args['expires-in'];
  const { mintEntraToken } = await import('@acs-identity/emulator');
  const minted = await mintEntraToken(stateOptions(args, context), {
    ...(args['teams-user'] === undefined ? {} : { teamsUser: args['teams-user'] }),
    ...(args.principal === undefined ? {} : { principal: args.principal }),
    ...(args.app === undefined ? {} : { appId: args.app }),
    ...(args.tenant === undefined ? {} : { tenantId: args.tenant }),
    ...(args['omit-scope'] === undefined ? {} : { omitScopes: args['omit-scope'] }),
    ...(args.audience === undefined ? {} : { audience: args.audience }),
    expiresInSeconds: expiresIn,
  });
  addSecret(minted.token);
  if (expiresIn <= 0) context.log.warn('This token is already expired (--expires-in <= 0).');
  return {
    accessToken: minted.token,
    expiresOn: minted.expiresOn.toISOString(),
    expires_on: Math.floor(minted.expiresOn.getTime() / 1000),
    issuer: minted.issuer,
    tenant: String(minted.claims.tid),
    tokenType: 'Bearer',
  };
};

/** `emulator role assign --principal <id> [--role <name>]`. */
export const emulatorRoleAssign: CommandHandler<typeof EMULATOR_ROLE_ASSIGN> = async (args, context) => {
  const { assignRole } = await import('@acs-identity/emulator');
  const grant = await assignRole(stateOptions(args, context), args.principal, args.role);
  context.log.info(`Principal ${grant.principalId} may now call the emulator with Entra ID bearer tokens.`);
  return grantJson(grant);
};

/** `emulator role remove --principal <id>`. */
export const emulatorRoleRemove: CommandHandler<typeof EMULATOR_ROLE_REMOVE> = async (args, context) => {
  const { removeRole } = await import('@acs-identity/emulator');
  const removed = await removeRole(stateOptions(args, context), args.principal);
  if (!removed) {
    throw new CliError('NOT_FOUND', `Principal ${args.principal} has no role on the emulator.`, {
      hint: 'See the grants with `acs-identity emulator role list`.',
    });
  }
  context.log.info(`Removed the grant of ${args.principal}.`);
  return undefined;
};

/** `emulator role list`. */
export const emulatorRoleList: CommandHandler<typeof EMULATOR_ROLE_LIST> = async (args, context) => {
  const { listRoles } = await import('@acs-identity/emulator');
  const grants = await listRoles(stateOptions(args, context));
  return grants.map(grantJson);
};
