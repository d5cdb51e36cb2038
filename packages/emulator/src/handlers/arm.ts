/**
 * `GET | PUT | PATCH /subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Communication/communicationServices/{n}`
 * as `@azure/arm-communication` calls them: the emulated resource with its managed identities (kept in the store).
 *
 * The emulator serves one resource, which does not exist until a PUT, or the first PATCH, creates it at the address
 * it names (a GET before that answers 404 `ResourceNotFound`, like any address that is not the resource's); from then
 * on any other address answers 404 (GET, PATCH) or 409 `Conflict` (PUT: a second resource cannot be created).
 */
import type { Handler, ServiceContext, ServiceRequest } from '../context.js';
import { serviceErrors } from '../service-errors.js';
import { applyIdentity, identityJson, type ResourceIdentityState } from './arm-identity.js';

const META_KEY = 'arm_resource';

/** Where an ARM request points. */
interface ArmAddress {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

interface ArmState extends ResourceIdentityState {
  /** Set by the first PUT or PATCH. */
  address?: ArmAddress;
  location: string;
  dataLocation: string;
  tags: Record<string, string>;
}

const DEFAULT_STATE: ArmState = {
  location: 'global',
  dataLocation: 'United States',
  tags: {},
  identityType: 'None',
  userAssigned: [],
};

function addressOf(request: ServiceRequest): ArmAddress {
  const { subscriptionId = '', resourceGroup = '', name = '' } = request.params;
  return { subscriptionId, resourceGroup, name };
}

/** ARM names compare without regard to case. */
function sameAddress(a: ArmAddress, b: ArmAddress): boolean {
  const same = (x: string, y: string) => x.toLowerCase() === y.toLowerCase();
  return (
    same(a.subscriptionId, b.subscriptionId) && same(a.resourceGroup, b.resourceGroup) && same(a.name, b.name)
  );
}

function armId(a: ArmAddress): string {
  return `/subscriptions/${a.subscriptionId}/resourceGroups/${a.resourceGroup}/providers/Microsoft.Communication/communicationServices/${a.name}`;
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

function resourceJson(ctx: ServiceContext, request: ServiceRequest, state: ArmState): unknown {
  const address = state.address ?? addressOf(request);
  return {
    id: armId(address),
    name: address.name,
    type: 'Microsoft.Communication/CommunicationServices',
    location: state.location,
    tags: state.tags,
    identity: identityJson(state, ctx.entra.tenantId),
    properties: {
      provisioningState: 'Succeeded',
      hostName: new URL(ctx.publicEndpoint.url).host,
      dataLocation: state.dataLocation,
      immutableResourceId: ctx.resource.resourceId,
      version: '0.2.0',
      publicNetworkAccess: 'Enabled',
      disableLocalAuth: false,
    },
  };
}

function tagsOf(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw serviceErrors.armTags();
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

/** The stored state when the request names the resource (or it has no address yet); else the 404. */
async function stateAt(ctx: ServiceContext, request: ServiceRequest): Promise<ArmState> {
  const state = await loadState(ctx);
  const address = addressOf(request);
  if (state.address && !sameAddress(state.address, address)) {
    throw serviceErrors.armResourceNotFound(address.resourceGroup, address.name);
  }
  return state;
}

async function save(ctx: ServiceContext, request: ServiceRequest, next: ArmState) {
  const stored: ArmState = { ...next, address: next.address ?? addressOf(request) };
  await ctx.store.setMeta(META_KEY, JSON.stringify(stored));
  return { status: 200, body: resourceJson(ctx, request, stored) };
}

/** `GET`: the resource; 404 before a PUT or PATCH created it. */
export const getArmResource: Handler = async (ctx, request) => {
  const state = await stateAt(ctx, request);
  if (state.address === undefined) {
    const { resourceGroup, name } = addressOf(request);
    throw serviceErrors.armResourceNotFound(resourceGroup, name);
  }
  return { status: 200, body: resourceJson(ctx, request, state) };
};

/** `PUT` (create or replace): `location` required; the identity is replaced (`None` when absent). */
export const putArmResource: Handler = async (ctx, request) => {
  const current = await loadState(ctx);
  if (current.address && !sameAddress(current.address, addressOf(request))) {
    throw serviceErrors.armResourceExists(armId(current.address));
  }
  const { input } = request;
  const properties = (input.properties ?? {}) as Record<string, unknown>;
  if (typeof input.location !== 'string' || input.location === '') throw serviceErrors.armLocationRequired();
  const next = applyIdentity(
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
  return save(ctx, request, next);
};

/**
 * `PATCH` (update): merges the identity's user-assigned set and replaces the tags given. The first one creates the
 * resource (ARM would answer 404), so `resource identity assign` works on a fresh emulator.
 */
export const patchArmResource: Handler = async (ctx, request) => {
  const current = await stateAt(ctx, request);
  const { input } = request;
  const next = input.identity === undefined ? { ...current } : applyIdentity(current, input.identity, false);
  const tags = tagsOf(input.tags);
  if (tags) next.tags = tags;
  return save(ctx, request, next);
};
