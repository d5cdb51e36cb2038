import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { rootCertificates } from 'node:tls';
import type { CommunicationServiceManagementClient, ManagedServiceIdentity } from '@azure/arm-communication';
import type { TokenCredential } from '@azure/core-auth';
import type { CommandContext } from '../context.js';
import { localDataDir, localInfoFile } from '../data-dir.js';
import { CliError, toCliError } from '../errors.js';
import type { CommandArgs, CommandHandler } from '../handler.js';
import type { JsonValue } from '../json.js';
import type {
  RESOURCE_IDENTITY_ASSIGN,
  RESOURCE_IDENTITY_REMOVE,
  RESOURCE_IDENTITY_SHOW,
} from '../specs/resource.js';
import { asCoreError } from './shared.js';

/** What every `resource identity` command is given: where the resource is, and how to reach ARM. */
type ResourceArgs = CommandArgs<typeof RESOURCE_IDENTITY_SHOW>;

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
  const explicit = args['management-endpoint'];
  let endpoint = ARM;
  let credential: TokenCredential | undefined;
  let caFile = args['ca-cert'];
  let local = false;
  if (explicit) {
    endpoint = explicit.replace(/\/+$/, '');
  } else {
    const dataDir = localDataDir(context.io);
    const { readEmulatorInfo, mintEntraToken } = await import('@acs-identity/emulator');
    const info = readEmulatorInfo(dataDir);
    if (info) {
      local = true;
      endpoint = info.endpoint.replace(/\/+$/, '');
      caFile ??= info.caCertFile;
      context.log.warn(
        `Using the local emulator at ${info.endpoint} (found in ${relative(context.io.cwd, localInfoFile(context.io))}).`,
      );
      credential = {
        async getToken() {
          const minted = await mintEntraToken(
            { dataDir, endpoint: info.endpoint },
            { principal: LOCAL_ADMIN, audience: ARM },
          );
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
  const subscription = args.subscription ?? (local ? '00000000-0000-0000-0000-000000000000' : undefined);
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

/** Re-throws an ARM failure; a 404 is about the resource named (its hint says how a local one comes to exist). */
function rethrowArm(error: unknown): never {
  const converted = toCliError(asCoreError(error));
  if (converted.code !== 'NOT_FOUND') throw converted;
  throw new CliError('NOT_FOUND', converted.message, {
    cause: error,
    about: 'arm-resource',
    ...(converted.status === undefined ? {} : { status: converted.status }),
    ...(converted.serviceCode === undefined ? {} : { serviceCode: converted.serviceCode }),
  });
}

/** The resource's identities now; with `absentIsEmpty`, a resource not found has none (the update then decides). */
async function current(
  client: CommunicationServiceManagementClient,
  args: ResourceArgs,
  absentIsEmpty = false,
) {
  const resource = await client.communicationServices
    .get(args['resource-group'], args.name)
    .catch((error: unknown) => {
      if (absentIsEmpty && (error as { statusCode?: unknown }).statusCode === 404)
        return { identity: undefined };
      throw error;
    });
  const identity = resource.identity;
  return {
    system: identity?.type?.startsWith('SystemAssigned') ?? false,
    users: Object.keys(identity?.userAssignedIdentities ?? {}),
  };
}

/** `resource identity assign --system-assigned | --user-assigned <id...>`. */
export const resourceIdentityAssign: CommandHandler<typeof RESOURCE_IDENTITY_ASSIGN> = async (
  args,
  context,
) => {
  const add = args['user-assigned'] ?? [];
  if (!args['system-assigned'] && add.length === 0) {
    throw new CliError('USAGE', 'Give --system-assigned and/or --user-assigned <id...>.');
  }
  const client = await armClient(args, context);
  try {
    // The local emulator creates its resource on the first assign; Azure answers the update with the 404.
    const now = await current(client, args, true);
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
    return rethrowArm(error);
  }
};

/** `resource identity remove --system-assigned | --user-assigned [<id...>]`. */
export const resourceIdentityRemove: CommandHandler<typeof RESOURCE_IDENTITY_REMOVE> = async (
  args,
  context,
) => {
  const remove = args['user-assigned'];
  if (!args['system-assigned'] && remove === undefined) {
    throw new CliError(
      'USAGE',
      'Give --system-assigned and/or --user-assigned [<id...>] (no ids: all of them).',
    );
  }
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
    return rethrowArm(error);
  }
};

/** `resource identity show`. */
export const resourceIdentityShow: CommandHandler<typeof RESOURCE_IDENTITY_SHOW> = async (args, context) => {
  const client = await armClient(args, context);
  try {
    const resource = await client.communicationServices.get(args['resource-group'], args.name);
    return identityJson(resource.identity);
  } catch (error) {
    return rethrowArm(error);
  }
};
