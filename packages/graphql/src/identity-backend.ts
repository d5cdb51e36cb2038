import type {
  AssignmentResult,
  CreatedUser,
  CreatedUserAndToken,
  EntraAssignment,
  EntraAssignmentChange,
  EntraTokenExchangeInput,
  ExchangedToken,
  TeamsExtensionAssignment,
  UserDetails,
} from '@acs-identity/core/node';

/**
 * What the gateway needs from the ACS Identity back end. `@acs-identity/core/node`'s `IdentityClient` satisfies it;
 * tests and embedders may pass their own.
 */
export interface IdentityBackend {
  readonly endpoint: string;
  /** The api-version it calls at, when it says (`auto` identity mapping reads it). */
  readonly apiVersion?: string;
  /** With `customId`: the identity of that custom id, created on first use. */
  createUser(options?: { customId?: string }): Promise<CreatedUser>;
  createUserAndToken(
    scopes: readonly string[],
    options?: { expiresInMinutes?: number; customId?: string },
  ): Promise<CreatedUserAndToken>;
  issueToken(
    userId: string,
    scopes: readonly string[],
    options?: { expiresInMinutes?: number },
  ): Promise<{ token: string; expiresOn: Date }>;
  revokeTokens(userId: string): Promise<void>;
  deleteUser(userId: string): Promise<void>;
  exchangeTeamsToken(input: { aadToken: string; appId: string; userId: string }): Promise<{
    token: string;
    expiresOn: Date;
  }>;
  /** `GET /identities/{id}`: the identity with its custom id and when a token was last issued for it. */
  getUser(userId: string): Promise<UserDetails>;
  getTeamsExtensionAssignment(tenantId: string, objectId: string): Promise<TeamsExtensionAssignment>;
  setTeamsExtensionAssignment(
    assignment: TeamsExtensionAssignment,
  ): Promise<AssignmentResult<TeamsExtensionAssignment>>;
  deleteTeamsExtensionAssignment(tenantId: string, objectId: string): Promise<void>;
  listEntraAssignments(): Promise<EntraAssignment[]>;
  getEntraAssignment(objectId: string): Promise<EntraAssignment>;
  setEntraAssignment(assignment: EntraAssignment): Promise<AssignmentResult<EntraAssignment>>;
  updateEntraAssignments(changes: Record<string, EntraAssignmentChange>): Promise<EntraAssignment[]>;
  deleteEntraAssignment(objectId: string): Promise<void>;
  /** Exchanges an end user's Entra token (Teams Extension or Entra ID user) for an ACS token. */
  exchangeEntraToken(input: EntraTokenExchangeInput): Promise<ExchangedToken>;
}

/** The operations of an {@link IdentityBackend} (everything but its `endpoint` and `apiVersion`). */
export type IdentityOperations = Omit<IdentityBackend, 'endpoint' | 'apiVersion'>;

const OPERATION_NAMES = [
  'createUser',
  'createUserAndToken',
  'issueToken',
  'revokeTokens',
  'deleteUser',
  'exchangeTeamsToken',
  'getUser',
  'getTeamsExtensionAssignment',
  'setTeamsExtensionAssignment',
  'deleteTeamsExtensionAssignment',
  'listEntraAssignments',
  'getEntraAssignment',
  'setEntraAssignment',
  'updateEntraAssignments',
  'deleteEntraAssignment',
  'exchangeEntraToken',
] as const satisfies readonly (keyof IdentityOperations)[];

/**
 * Every operation, each rejecting with `Error(why)`: the base of a back end that does only some of them (the warm-up's
 * rehearsal, tests), which spreads it first and then gives its own.
 */
export function unavailableOperations(why: string): IdentityOperations {
  const fail = () => Promise.reject(new Error(why));
  return Object.fromEntries(OPERATION_NAMES.map((name) => [name, fail])) as unknown as IdentityOperations;
}
