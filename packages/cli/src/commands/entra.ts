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

type EntraTokenArgs = Parameters<CommandHandler<typeof EMULATOR_ENTRA_TOKEN>>[0];

/** The flags that name whom the token is for, and the field of the emulator's request each one sets. */
const SUBJECTS = {
  'teams-user': 'teamsUser',
  'teams-extension-user': 'teamsExtensionUser',
  'entra-user': 'entraUser',
  principal: 'principal',
} as const;

/** Checks the combination of flags (exactly one subject, --app with a user, each option where it applies). */
function subjectOf(args: EntraTokenArgs): keyof typeof SUBJECTS {
  const given = (Object.keys(SUBJECTS) as (keyof typeof SUBJECTS)[]).filter(
    (flag) => args[flag] !== undefined,
  );
  const [subject] = given;
  if (subject === undefined || given.length > 1) {
    throw new CliError(
      'USAGE',
      'Give exactly one of --teams-user, --teams-extension-user, --entra-user (each with --app) or --principal.',
    );
  }
  if (subject !== 'principal' && args.app === undefined) {
    throw new CliError(
      'USAGE',
      `--${subject} needs --app <appid>: the Entra application the token was issued to.`,
    );
  }
  const only = (flag: 'omit-scope' | 'scope' | 'group', allowed: readonly string[], what: string) => {
    if (args[flag] !== undefined && !allowed.includes(subject)) {
      throw new CliError('USAGE', `--${flag} applies to ${what} only.`);
    }
  };
  only('omit-scope', ['teams-user', 'teams-extension-user'], 'Teams and Teams Extension user tokens');
  only('scope', ['teams-user', 'teams-extension-user', 'entra-user'], 'user tokens');
  only('group', ['entra-user'], 'Entra ID user tokens (--entra-user)');
  return subject;
}

/**
 * `emulator entra token --teams-user | --teams-extension-user | --entra-user <oid> --app <appid> | --principal <id>`:
 * a token of the local Entra issuer, with the options that make each refusal of the exchanges.
 */
export const emulatorEntraToken: CommandHandler<typeof EMULATOR_ENTRA_TOKEN> = async (args, context) => {
  const subject = subjectOf(args);
  const expiresIn = args['expires-in'];
  const { mintEntraToken } = await import('@acs-identity/emulator');
  const minted = await mintEntraToken(stateOptions(args, context), {
    [SUBJECTS[subject]]: args[subject],
    ...(args.app === undefined ? {} : { appId: args.app }),
    ...(args.tenant === undefined ? {} : { tenantId: args.tenant }),
    ...(args.scope === undefined ? {} : { scopes: args.scope }),
    ...(args.group === undefined ? {} : { groups: args.group }),
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
