import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { derivedGuid } from './entra.js';
import { rejectRequest } from './errors.js';
import type { ServiceContext } from './service.js';

/** The managed-identity types of a Communication Services resource, as ARM spells them. */
export const RESOURCE_IDENTITY_TYPES = [
  'None',
  'SystemAssigned',
  'UserAssigned',
  'SystemAssigned,UserAssigned',
] as const;
export type ResourceIdentityType = (typeof RESOURCE_IDENTITY_TYPES)[number];

/** Audience of Azure Resource Manager tokens (`https://management.azure.com/.default`, or the classic one). */
const ARM_AUDIENCE = /^https:\/\/management\.(azure\.com|core\.windows\.net)\/*$/i;

const USER_ASSIGNED_ID =
  /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.managedidentity\/userassignedidentities\/[^/]+$/i;

const META_KEY = 'arm_resource';

/** Where an ARM request points: the resource's subscription, group and name (any names address the one resource). */
export interface ArmTarget {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

interface ArmState {
  location: string;
  dataLocation: string;
  tags: Record<string, string>;
  identityType: ResourceIdentityType;
  /** Principal of the system-assigned identity; a new one each time it is (re-)enabled, as in Azure. */
  principalId?: string;
  /** ARM ids of the user-assigned identities, as first given. */
  userAssigned: string[];
}

const DEFAULT_STATE: ArmState = {
  location: 'global',
  dataLocation: 'United States',
  tags: {},
  identityType: 'None',
  userAssigned: [],
};

/** Matches `subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Communication/communicationServices/{n}`. */
export function matchArmPath(segments: readonly string[]): ArmTarget | undefined {
  if (segments.length !== 8) return undefined;
  const [subs, subscriptionId, groups, resourceGroup, providers, namespace, type, name] = segments;
  if (
    subs?.toLowerCase() !== 'subscriptions' ||
    groups?.toLowerCase() !== 'resourcegroups' ||
    providers?.toLowerCase() !== 'providers' ||
    namespace?.toLowerCase() !== 'microsoft.communication' ||
    type?.toLowerCase() !== 'communicationservices' ||
    !subscriptionId ||
    !resourceGroup ||
    !name
  ) {
    return undefined;
  }
  try {
    return {
      subscriptionId: decodeURIComponent(subscriptionId),
      resourceGroup: decodeURIComponent(resourceGroup),
      name: decodeURIComponent(name),
    };
  } catch {
    return undefined;
  }
}

async function loadState(ctx: ServiceContext): Promise<ArmState> {
  const raw = await ctx.store.getMeta(META_KEY);
  if (raw === undefined) return { ...DEFAULT_STATE };
  try {
    return { ...DEFAULT_STATE, ...(JSON.parse(raw) as Partial<ArmState>) };
  } catch {
    return { ...DEFAULT_STATE };
  }
}

/** ids of a user-assigned identity (stable, derived from its ARM id). */
function userAssignedIds(armId: string): { principalId: string; clientId: string } {
  const key = armId.toLowerCase();
  return { principalId: derivedGuid(`uami-principal:${key}`), clientId: derivedGuid(`uami-client:${key}`) };
}

function parseType(value: unknown): ResourceIdentityType {
  const normalized = typeof value === 'string' ? value.replace(/\s+/g, '').toLowerCase() : '';
  const found = RESOURCE_IDENTITY_TYPES.find((t) => t.toLowerCase() === normalized);
  if (!found) {
    throw rejectRequest(
      400,
      'InvalidIdentityType',
      `identity.type must be one of ${RESOURCE_IDENTITY_TYPES.join(', ')}; got ${JSON.stringify(value)?.slice(0, 60)}.`,
      'identity.type',
    );
  }
  return found;
}

/** Applies an `identity` object: PUT replaces the user-assigned set, PATCH merges it (`null` values remove). */
function applyIdentity(current: ArmState, input: unknown, replace: boolean): ArmState {
  if (typeof input !== 'object' || input === null) {
    throw rejectRequest(400, 'InvalidIdentity', 'identity must be an object with a type.', 'identity');
  }
  const given = input as { type?: unknown; userAssignedIdentities?: unknown };
  const type = parseType(given.type);
  const wantsSystem = type.startsWith('SystemAssigned');
  const wantsUser = type.endsWith('UserAssigned');
  let userAssigned = replace ? [] : [...current.userAssigned];
  const changes = given.userAssignedIdentities;
  if (changes !== undefined && changes !== null) {
    if (typeof changes !== 'object' || Array.isArray(changes)) {
      throw rejectRequest(
        400,
        'InvalidIdentity',
        'userAssignedIdentities must map ARM ids of user-assigned identities to {} (or null to remove one).',
        'identity.userAssignedIdentities',
      );
    }
    for (const [id, value] of Object.entries(changes as Record<string, unknown>)) {
      if (!USER_ASSIGNED_ID.test(id)) {
        throw rejectRequest(
          400,
          'InvalidUserAssignedIdentity',
          `'${id.slice(0, 200)}' is not a user-assigned identity id: /subscriptions/{id}/resourceGroups/{group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}.`,
          'identity.userAssignedIdentities',
        );
      }
      const kept = userAssigned.filter((u) => u.toLowerCase() !== id.toLowerCase());
      userAssigned = value === null ? kept : [...kept, id];
      if (value !== null && !wantsUser) {
        throw rejectRequest(
          400,
          'InvalidIdentity',
          `userAssignedIdentities need identity.type UserAssigned or SystemAssigned,UserAssigned; got ${type}.`,
          'identity.type',
        );
      }
    }
  }
  if (!wantsUser) userAssigned = [];
  if (wantsUser && userAssigned.length === 0) {
    throw rejectRequest(
      400,
      'InvalidIdentity',
      `identity.type ${type} needs at least one entry in userAssignedIdentities.`,
      'identity.userAssignedIdentities',
    );
  }
  const next: ArmState = { ...current, identityType: type, userAssigned };
  if (wantsSystem) next.principalId = current.principalId ?? randomUUID();
  else delete next.principalId;
  return next;
}

function resourceJson(ctx: ServiceContext, target: ArmTarget, state: ArmState, host: string): unknown {
  const identity: Record<string, unknown> = { type: state.identityType };
  if (state.principalId) {
    identity.principalId = state.principalId;
    identity.tenantId = ctx.entra.tenantId;
  }
  if (state.userAssigned.length > 0) {
    identity.userAssignedIdentities = Object.fromEntries(
      state.userAssigned.map((id) => [id, userAssignedIds(id)]),
    );
  }
  return {
    id: `/subscriptions/${target.subscriptionId}/resourceGroups/${target.resourceGroup}/providers/Microsoft.Communication/communicationServices/${target.name}`,
    name: target.name,
    type: 'Microsoft.Communication/CommunicationServices',
    location: state.location,
    tags: state.tags,
    identity,
    properties: {
      provisioningState: 'Succeeded',
      hostName: host,
      dataLocation: state.dataLocation,
      immutableResourceId: ctx.resource.resourceId,
      version: '0.2.0',
      publicNetworkAccess: 'Enabled',
      disableLocalAuth: false,
    },
  };
}

/** ARM authentication: an Entra token of a trusted issuer for Azure Resource Manager (any principal: the owner). */
async function authenticateArm(ctx: ServiceContext, req: IncomingMessage): Promise<void> {
  const authorization = req.headers.authorization ?? '';
  if (!/^bearer\s+\S/i.test(authorization)) {
    throw rejectRequest(
      401,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is missing.",
    );
  }
  const verdict = await ctx.entra.verify(authorization.replace(/^bearer\s+/i, '').trim(), {
    audience: ARM_AUDIENCE,
    now: ctx.options.clock(),
    skewMs: ctx.options.maxClockSkewMs,
  });
  if (!verdict.ok) {
    throw rejectRequest(
      401,
      'InvalidAuthenticationToken',
      `The access token is invalid (${verdict.reason}); ask the local Entra issuer for a token for https://management.azure.com.`,
    );
  }
}

/**
 * `GET | PUT | PATCH /subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Communication/communicationServices/{n}`
 * as `@azure/arm-communication` calls them: the emulated resource with its managed identities (persisted in the store).
 */
export async function serveArm(
  ctx: ServiceContext,
  req: IncomingMessage,
  target: ArmTarget,
  input: Record<string, unknown>,
  apiVersion: string | null,
  host: string,
): Promise<{ status: number; body: unknown }> {
  await authenticateArm(ctx, req);
  if (!apiVersion) {
    throw rejectRequest(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    );
  }
  const current = await loadState(ctx);
  const method = req.method ?? 'GET';
  if (method === 'GET') return { status: 200, body: resourceJson(ctx, target, current, host) };
  let next: ArmState;
  if (method === 'PUT') {
    const properties = (input.properties ?? {}) as Record<string, unknown>;
    if (typeof input.location !== 'string' || input.location === '') {
      throw rejectRequest(
        400,
        'LocationRequired',
        'The location property is required for this definition.',
        'location',
      );
    }
    next = applyIdentity(
      {
        ...current,
        location: input.location,
        dataLocation:
          typeof properties.dataLocation === 'string' ? properties.dataLocation : current.dataLocation,
        tags: tagsOf(input.tags) ?? {},
      },
      input.identity ?? { type: 'None' },
      true,
    );
  } else {
    next = input.identity === undefined ? { ...current } : applyIdentity(current, input.identity, false);
    const tags = tagsOf(input.tags);
    if (tags) next.tags = tags;
  }
  await ctx.store.setMeta(META_KEY, JSON.stringify(next));
  return { status: 200, body: resourceJson(ctx, target, next, host) };
}

function tagsOf(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw rejectRequest(400, 'InvalidTags', 'tags must be an object of strings.', 'tags');
  }
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}
