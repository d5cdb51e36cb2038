/** The key of an end user: the OpenID issuer and the subject it assigned. */
export interface UserKey {
  issuer: string;
  subject: string;
}

/** One row of the mapping store. */
export interface Mapping extends UserKey {
  /** The raw id of the user's ACS identity, e.g. `8:acs:…`. */
  rawId: string;
  createdAt: Date;
}

/** Result of {@link MappingStore.findOrCreate}. */
export interface FindOrCreateResult {
  rawId: string;
  /** True when this call created the identity. */
  created: boolean;
}

/**
 * Where the gateway keeps which ACS identity belongs to which end user. Implementations guarantee that concurrent
 * `findOrCreate` calls for one user (in this process, and for PostgreSQL across processes) run `create` once.
 */
export interface MappingStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Creates the tables if needed. */
  init(): Promise<void>;
  get(key: UserKey): Promise<Mapping | undefined>;
  /**
   * Returns the user's identity, calling `create` for a new one only when there is none. When `create` succeeds but
   * the row cannot be kept (another process won a race the store could not prevent), `discard` is called with the
   * identity that lost.
   */
  findOrCreate(
    key: UserKey,
    create: () => Promise<string>,
    discard: (rawId: string) => Promise<void>,
  ): Promise<FindOrCreateResult>;
  /** Removes every mapping pointing at `rawId`; returns how many were removed. */
  deleteByRawId(rawId: string): Promise<number>;
  /** Throws when the store cannot be used. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Serialises async work per key inside one process. */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const current = previous.then(work, work);
    const tail = current.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}

export function mutexKey(key: UserKey): string {
  return `${key.issuer}\n${key.subject}`;
}
