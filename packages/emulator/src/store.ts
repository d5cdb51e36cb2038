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
  deleteIdentity(id: string, atMs: number): Promise<DeleteOutcome>;
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
