import { readEmulatorInfo } from './discovery.js';
import { EntraIssuer, type EntraTokenRequest, isGuid, type MintedEntraToken } from './entra.js';
import { EmulatorError } from './errors.js';
import { type EmulatorStateOptions, withState } from './state.js';
import type { RoleGrantRecord, Store } from './store.js';

/** The role a grant gives when none is named: full use of the ACS Identity data plane. */
export const DEFAULT_ROLE = 'Contributor';

function principalOf(principalId: unknown): string {
  if (!isGuid(principalId)) {
    throw new EmulatorError(
      'INVALID_OPTIONS',
      `A principal is an Entra object id or application (client) id, a GUID; got ${String(principalId).slice(0, 60)}.`,
    );
  }
  return principalId.toLowerCase();
}

export async function putRoleGrant(
  store: Store,
  principalId: string,
  role: string | undefined,
  now: number,
): Promise<RoleGrantRecord> {
  const id = principalOf(principalId);
  const name = role ?? DEFAULT_ROLE;
  if (typeof name !== 'string' || !/^[\w .-]{1,100}$/.test(name)) {
    throw new EmulatorError(
      'INVALID_OPTIONS',
      'A role name is 1 to 100 letters, digits, spaces, dots or dashes.',
    );
  }
  const existing = await store.getGrant(id);
  const grant = { principalId: id, role: name, createdAtMs: existing?.createdAtMs ?? now };
  await store.putGrant(grant);
  return grant;
}

export async function deleteRoleGrant(store: Store, principalId: string): Promise<boolean> {
  return store.deleteGrant(principalOf(principalId));
}

/**
 * Grants a principal (Entra object id, or application id as `az role assignment create --assignee` accepts) access to
 * the emulated resource's data plane with bearer tokens. Works while an emulator runs on the same state.
 */
export function assignRole(
  options: EmulatorStateOptions,
  principalId: string,
  role?: string,
): Promise<RoleGrantRecord> {
  return withState(options, (store, now) => putRoleGrant(store, principalId, role, now));
}

/** Removes a principal's grant; `false` when it had none. */
export function removeRole(options: EmulatorStateOptions, principalId: string): Promise<boolean> {
  return withState(options, (store) => deleteRoleGrant(store, principalId));
}

export function listRoles(options: EmulatorStateOptions): Promise<RoleGrantRecord[]> {
  return withState(options, (store) => store.listGrants());
}

/** Options of {@link mintEntraToken}: the emulator state plus, optionally, the endpoint its `iss` names. */
export interface MintEntraTokenOptions extends EmulatorStateOptions {
  /** @default the public endpoint of the emulator running on dataDir (emulator.json), else `https://127.0.0.1:8443/` */
  endpoint?: string;
}

/**
 * Mints a token of the emulator's local Entra issuer from its stored key, without a running emulator (the CLI's
 * `acs-identity emulator entra token`). See {@link EntraTokenRequest}.
 */
export function mintEntraToken(
  options: MintEntraTokenOptions,
  request: EntraTokenRequest,
): Promise<MintedEntraToken & { issuer: string }> {
  return withState(options, async (store, now, dataDir) => {
    const issuer = await EntraIssuer.load(store, now);
    const running = readEmulatorInfo(dataDir);
    // A running emulator's public endpoint is the one its issuer names (emulator.json's entraIssuer).
    const runningPublic = running?.entraIssuer?.replace(/entra\/[^/]+\/v2\.0$/, '');
    let endpoint = options.endpoint ?? runningPublic ?? running?.endpoint ?? 'https://127.0.0.1:8443/';
    if (!endpoint.endsWith('/')) endpoint = `${endpoint}/`;
    const minted = issuer.mint(request, endpoint, now);
    return { ...minted, issuer: String(minted.claims.iss) };
  });
}
