import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import type { CommunicationServiceManagementClient, ManagedServiceIdentity } from '@azure/arm-communication';
import type { TokenCredential } from '@azure/core-auth';
import type { CommandHandler } from '../cli.js';
import { DEFAULT_DATA_DIR } from '../connection.js';
import type { CommandContext } from '../context.js';
import { CliError } from '../errors.js';
import type {
  GlobalValues,
  OptionValues,
  RESOURCE_IDENTITY_ASSIGN,
  RESOURCE_IDENTITY_REMOVE,
  RESOURCE_IDENTITY_SHOW,
} from '../options.js';
import type { JsonValue } from '../output.js';
import { fromEmulatorError } from './emulator.js';

type AssignArgs = OptionValues<(typeof RESOURCE_IDENTITY_ASSIGN)['options']> & GlobalValues;
type RemoveArgs = OptionValues<(typeof RESOURCE_IDENTITY_REMOVE)['options']> & GlobalValues;
type ShowArgs = OptionValues<(typeof RESOURCE_IDENTITY_SHOW)['options']> & GlobalValues;
type ResourceArgs = ShowArgs;

const ARM = 'https://management.azure.com';
const ARM_SCOPE = 'https://management.azure.com/.default';
/** The principal the CLI signs in as against the local emulator's ARM routes. */
const LOCAL_ADMIN = '6d1a3f3e-0d1b-4c5e-9a8f-7b2c4e5d6f70';

function readCa(file: string): string[] {
  try {
    return [...rootCertificates, readFileSync(file, 'utf8')];
  } catch (e) {
    throw new CliError('NOT_CONFIGURED', `Cannot read the CA certificate file ${file}.`, { cause: e });
  }
}

/** The ARM client: --management-endpoint (Entra ID), else the local emulator, else management.azure.com. */
async function armClient(
  args: ResourceArgs,
  context: CommandContext,
): Promise<CommunicationServiceManagementClient> {
  const { env, cwd } = context.io;
  const explicit = args['management-endpoint'] ?? env.ACS_IDENTITY_MANAGEMENT_ENDPOINT;
  let endpoint = ARM;
  let credential: TokenCredential | undefined;
  let caFile = args['ca-cert'] ?? env.ACS_IDENTITY_CA_CERT_FILE;
  let local = false;
  if (explicit) {
    endpoint = explicit.replace(/\/+$/, '');
  } else {
    const dataDir = join(cwd, DEFAULT_DATA_DIR);
    const { readEmulatorInfo, mintEntraToken } = await import('@acs-identity/emulator');
    const info = readEmulatorInfo(dataDir);
    if (info) {
      local = true;
      endpoint = info.endpoint.replace(/\/+$/, '');
      caFile ??= info.caCertFile;
      context.log.warn(
        `Using the local emulator at ${info.endpoint} (found in ${DEFAULT_DATA_DIR}/emulator.json).`,
      );
      credential = {
        async getToken() {
          const minted = await mintEntraToken(
            { dataDir, endpoint: info.endpoint },
            { principal: LOCAL_ADMIN, audience: ARM },
          ).catch(fromEmulatorError);
          return { token: minted.token, expiresOnTimestamp: minted.expiresOn.getTime() };
        },
      };
    }
  }
  if (!credential) {
    const { DefaultAzureCredential } = await import('@azure/identity');
    credential = new DefaultAzureCredential();
    context.log.info(`Using ${endpoint} with Entra ID (DefaultAzureCredential).`);
  }
  const subscription =
    args.subscription ??
    env.AZURE_SUBSCRIPTION_ID ??
    (local ? '00000000-0000-0000-0000-000000000000' : undefined);
  if (!subscription) {
    throw new CliError(
      'NOT_CONFIGURED',
      'No subscription: pass --subscription or set AZURE_SUBSCRIPTION_ID.',
    );
  }
  const { CommunicationServiceManagementClient } = await import('@azure/arm-communication');
  return new CommunicationServiceManagementClient(credential, subscription, {
    endpoint,
    $host: endpoint,
    credentialScopes: [ARM_SCOPE],
    retryOptions: { maxRetries: local ? 0 : 3 },
    ...(caFile ? { tlsOptions: { ca: readCa(caFile) } } : {}),
  });
}

/** Turns an ARM failure into a CLI error with the service's message (never the request, which holds the token). */
function armError(error: unknown): never {
  if (error instanceof CliError) throw error;
  const e = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const serviceCode = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : String(error);
  const code =
    status === 401
      ? 'UNAUTHENTICATED'
      : status === 403
        ? 'FORBIDDEN'
        : status === 404
          ? 'NOT_FOUND'
          : status !== undefined && status >= 400 && status < 500
            ? 'INVALID_INPUT'
            : status === undefined
              ? 'SERVICE_UNAVAILABLE'
              : 'UNEXPECTED';
  throw new CliError(code, message, {
    ...(status === undefined ? {} : { status }),
    ...(serviceCode === undefined ? {} : { serviceCode }),
  });
}

function identityJson(identity: ManagedServiceIdentity | undefined): JsonValue {
  const out: { [key: string]: JsonValue } = { type: identity?.type ?? 'None' };
  if (identity?.principalId) out.principalId = identity.principalId;
  if (identity?.tenantId) out.tenantId = identity.tenantId;
  const users = identity?.userAssignedIdentities;
  if (users && Object.keys(users).length > 0) {
    out.userAssignedIdentities = Object.fromEntries(
      Object.entries(users).map(([id, u]) => [
        id,
        { principalId: u?.principalId ?? null, clientId: u?.clientId ?? null },
      ]),
    );
  }
  return out;
}

function typeOf(system: boolean, users: number): ManagedServiceIdentity['type'] {
  if (system && users > 0) return 'SystemAssigned,UserAssigned';
  if (system) return 'SystemAssigned';
  return users > 0 ? 'UserAssigned' : 'None';
}

async function current(client: CommunicationServiceManagementClient, args: ResourceArgs) {
  const resource = await client.communicationServices.get(args['resource-group'], args.name);
  const identity = resource.identity;
  return {
    system: identity?.type?.startsWith('SystemAssigned') ?? false,
    users: Object.keys(identity?.userAssignedIdentities ?? {}),
  };
}

/** `resource identity assign --system-assigned | --user-assigned <id...>`. */
export const resourceIdentityAssign: CommandHandler = async (raw, context) => {
  const args = raw as AssignArgs;
  const add = args['user-assigned'] === undefined ? [] : ([] as string[]).concat(args['user-assigned']);
  if (!args['system-assigned'] && add.length === 0) {
    throw new CliError('USAGE', 'Give --system-assigned and/or --user-assigned <id...>.');
  }
  const client = await armClient(args, context);
  try {
    const now = await current(client, args);
    const users = [
      ...now.users,
      ...add.filter((id) => !now.users.some((u) => u.toLowerCase() === id.toLowerCase())),
    ];
    const updated = await client.communicationServices.update(args['resource-group'], args.name, {
      identity: {
        type: typeOf(now.system || Boolean(args['system-assigned']), users.length),
        ...(add.length > 0 ? { userAssignedIdentities: Object.fromEntries(add.map((id) => [id, {}])) } : {}),
      },
    });
    return identityJson(updated.identity);
  } catch (error) {
    return armError(error);
  }
};

/** `resource identity remove --system-assigned | --user-assigned [<id...>]`. */
export const resourceIdentityRemove: CommandHandler = async (raw, context) => {
  const args = raw as RemoveArgs;
  const given = args['user-assigned'];
  if (!args['system-assigned'] && given === undefined) {
    throw new CliError(
      'USAGE',
      'Give --system-assigned and/or --user-assigned [<id...>] (no ids: all of them).',
    );
  }
  const remove = given === undefined ? undefined : ([] as string[]).concat(given);
  const client = await armClient(args, context);
  try {
    const now = await current(client, args);
    const removed =
      remove === undefined
        ? []
        : remove.length === 0
          ? now.users
          : now.users.filter((u) => remove.some((id) => id.toLowerCase() === u.toLowerCase()));
    const users = now.users.filter((u) => !removed.includes(u));
    const system = now.system && !args['system-assigned'];
    const identity: ManagedServiceIdentity = { type: typeOf(system, users.length) };
    if (users.length > 0 && removed.length > 0) {
      identity.userAssignedIdentities = Object.fromEntries(
        removed.map((id) => [id, null as unknown as object]),
      );
    }
    const updated = await client.communicationServices.update(args['resource-group'], args.name, {
      identity,
    });
    return identityJson(updated.identity);
  } catch (error) {
    return armError(error);
  }
};

/** `resource identity show`. */
export const resourceIdentityShow: CommandHandler = async (raw, context) => {
  const args = raw as ShowArgs;
  const client = await armClient(args, context);
  try {
    const resource = await client.communicationServices.get(args['resource-group'], args.name);
    return identityJson(resource.identity);
  } catch (error) {
    return armError(error);
  }
};
