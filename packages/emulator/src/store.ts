import type { AccessKeyName } from './hmac.js';

/** The emulated ACS resource. */
export interface ResourceRecord {
  /** GUID; also the first part of every identity id. */
  resourceId: string;
  resourceLocation: string;
}

export interface AccessKeyRecord {
  name: AccessKeyName;
  /** Starts at 1, +1 per rotation. */
  generation: number;
  /** base64 access key. */
  secret: string;
  /** `kid` of the token signing key that tokens issued under this key are signed with. */
  kid: string;
  updatedAtMs: number;
}

export interface SigningKeyRecord {
  kid: string;
  x5t: string;
  /** The access key (and its generation) whose requests got tokens signed by this key. */
  accessKey: AccessKeyName;
  generation: number;
  privateKeyPem: string;
  certificatePem: string;
  createdAtMs: number;
  /** Set when its access key was rotated: every token signed by it is invalid from then on. */
  retiredAtMs: number | null;
}

export interface IdentityRecord {
  id: string;
  createdAtMs: number;
  /** Tokens whose `iat` (seconds) is lower than this were revoked. */
  revokedBeforeSec: number | null;
  /** Tombstone: the identity was deleted at this instant. */
  deletedAtMs: number | null;
}

/** An identity with what `GET /identities/{id}` shows of it. */
export interface IdentityDetailsRecord extends IdentityRecord {
  /** The `customId` it was created with; `null` when none (or once it was deleted: deleting frees the custom id). */
  customId: string | null;
  /** When a token was last issued for it (service timestamp format); `null` before the first one. */
  lastTokenIssuedAt: string | null;
}

/** A Teams Phone extensibility (Teams Extension) assignment: who may exchange Teams Extension tokens, through which apps. */
export interface TeamsExtensionAssignmentRecord {
  tenantId: string;
  objectId: string;
  /** `user`, `resourceAccount` or `teamsResourceAccount` (as given). */
  principalType: string;
  /** The applications (client ids) a user may exchange through; `null` when the assignment names none. */
  clientIds: string[] | null;
  createdAtMs: number;
}

/** An Entra ID user assignment: a user, a group or a tenant, and the applications its users exchange through. */
export interface EntraAssignmentRecord {
  objectId: string;
  tenantId: string;
  /** `user`, `group` or `tenant`. */
  principalType: string;
  clientIds: string[];
  createdAtMs: number;
}

/** What writing one assignment did. */
export type AssignmentWrite = 'created' | 'replaced' | 'removed' | 'absent';

/** What a brand-new store is seeded with (generated outside any transaction). */
export interface StoreSeed {
  resource: ResourceRecord;
  accessKeys: readonly AccessKeyRecord[];
  signingKeys: readonly SigningKeyRecord[];
}

export type DeleteOutcome = 'deleted' | 'already-deleted' | 'not-found';

/** A principal (Entra object id) allowed to call the data plane with a bearer token. */
export interface RoleGrantRecord {
  principalId: string;
  role: string;
  createdAtMs: number;
}

/**
 * Persistence of one emulated resource. Every method resolves only after the write is durable (acknowledged writes
 * survive a crash). Implementations: `store-sqlite.ts` and `store-postgres.ts` (shared SQL in `store-sql.ts`); `store-open.ts` opens the configured one.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Creates the tables and, when the store is new, stores `seed()` atomically (the first writer wins). */
  initialize(seed: () => Promise<StoreSeed>): Promise<void>;
  getResource(): Promise<ResourceRecord>;
  getAccessKeys(): Promise<AccessKeyRecord[]>;
  /**
   * Optional, synchronous and cheap: a value that changes whenever another connection committed a write, so callers
   * can cache reads until it changes (SQLite's `PRAGMA data_version`). Without it callers use a time-based cache.
   */
  changeToken?(): number;
  getSigningKey(kid: string): Promise<SigningKeyRecord | undefined>;
  /** Signing keys not retired, oldest first. */
  listActiveSigningKeys(): Promise<SigningKeyRecord[]>;
  /** Replaces an access key (generation + 1) and its signing key; retires the old signing key. */
  rotateAccessKey(
    name: AccessKeyName,
    secret: string,
    signingKey: SigningKeyRecord,
    atMs: number,
  ): Promise<AccessKeyRecord>;
  /** Fails when the id exists (ids are random GUIDs, so this means a bug). */
  createIdentity(id: string, atMs: number): Promise<IdentityRecord>;
  getIdentity(id: string): Promise<IdentityRecord | undefined>;
  /** Raises `revokedBeforeSec` to at least the given value; `undefined` when the identity is unknown or deleted. */
  revokeTokens(id: string, revokedBeforeSec: number): Promise<IdentityRecord | undefined>;
  /** Marks the identity deleted and frees its custom id. */
  deleteIdentity(id: string, atMs: number): Promise<DeleteOutcome>;
  /**
   * Creates identity `id` for `customId`, or gives back the live identity that has it (`created: false`); concurrent
   * calls with one custom id agree on one identity.
   */
  createIdentityForCustomId(
    id: string,
    customId: string,
    atMs: number,
  ): Promise<{ identity: IdentityRecord; created: boolean }>;
  /** The identity with its custom id and last token time; `undefined` when unknown. */
  getIdentityDetails(id: string): Promise<IdentityDetailsRecord | undefined>;
  /** Creates the identity when it does not exist (the identities of the token exchanges); resolves to it. */
  ensureIdentity(id: string, atMs: number): Promise<IdentityRecord>;
  /** Records a token issued for the identity at `issuedAt` (service timestamp); the latest one is kept. */
  recordTokenIssued(id: string, issuedAt: string): Promise<void>;
  getTeamsExtensionAssignment(
    tenantId: string,
    objectId: string,
  ): Promise<TeamsExtensionAssignmentRecord | undefined>;
  /** Creates or replaces the assignment (its `createdAtMs` is kept on replace). */
  putTeamsExtensionAssignment(assignment: TeamsExtensionAssignmentRecord): Promise<'created' | 'replaced'>;
  /** `false` when there was none. */
  deleteTeamsExtensionAssignment(tenantId: string, objectId: string): Promise<boolean>;
  /** Every Entra assignment, oldest first. */
  listEntraAssignments(): Promise<EntraAssignmentRecord[]>;
  getEntraAssignment(objectId: string): Promise<EntraAssignmentRecord | undefined>;
  /** Creates or replaces (a record) or removes (`null`) Entra assignments by object id, all in one transaction. */
  writeEntraAssignments(
    changes: ReadonlyMap<string, EntraAssignmentRecord | null>,
  ): Promise<Map<string, AssignmentWrite>>;
  /** The Entra assignments of these object ids, plus the `tenant` assignments of `tenantId`. */
  findEntraAssignments(objectIds: readonly string[], tenantId: string): Promise<EntraAssignmentRecord[]>;
  /** A value of the resource's key/value metadata (e.g. the local Entra issuer's key). */
  getMeta(key: string): Promise<string | undefined>;
  /** Stores the value unless the key exists; resolves to the stored value (the first writer wins). */
  putMetaIfAbsent(key: string, value: string): Promise<string>;
  /** Stores (or replaces) a value of the metadata. */
  setMeta(key: string, value: string): Promise<void>;
  listGrants(): Promise<RoleGrantRecord[]>;
  getGrant(principalId: string): Promise<RoleGrantRecord | undefined>;
  /** Adds (or replaces the role of) a grant. */
  putGrant(grant: RoleGrantRecord): Promise<void>;
  /** `false` when the principal had no grant. */
  deleteGrant(principalId: string): Promise<boolean>;
  close(): Promise<void>;
}
