import {
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  randomBytes,
  randomUUID,
  X509Certificate,
} from 'node:crypto';
import { generateSigningKey } from './certificates.js';
import type { AccessKeyName, HmacKey } from './hmac.js';
import type { AccessKeyRecord, SigningKeyRecord, Store, StoreSeed } from './store.js';

export const ACCESS_KEY_NAMES = ['primary', 'secondary'] as const satisfies readonly AccessKeyName[];

/** A fresh base64 access key (64 random bytes, the length Azure uses). */
export function newAccessKeySecret(): string {
  return randomBytes(64).toString('base64');
}

async function newSigningKey(
  name: AccessKeyName,
  generation: number,
  now: number,
): Promise<SigningKeyRecord> {
  const generated = await generateSigningKey(now);
  return { ...generated, accessKey: name, generation, createdAtMs: now, retiredAtMs: null };
}

/** Everything a brand-new emulated resource starts with. */
export async function createSeed(now: number): Promise<StoreSeed> {
  const signingKeys = await Promise.all(ACCESS_KEY_NAMES.map((name) => newSigningKey(name, 1, now)));
  const accessKeys: AccessKeyRecord[] = ACCESS_KEY_NAMES.map((name, i) => ({
    name,
    generation: 1,
    secret: newAccessKeySecret(),
    kid: signingKeys[i]?.kid ?? '',
    updatedAtMs: now,
  }));
  return {
    resource: { resourceId: randomUUID(), resourceLocation: 'unitedstates' },
    accessKeys,
    signingKeys,
  };
}

/** Replaces one access key and its token signing key; tokens issued under the old key become invalid. */
export async function rotateStoredAccessKey(
  store: Store,
  name: AccessKeyName,
  now: number,
): Promise<AccessKeyRecord> {
  const current = (await store.getAccessKeys()).find((k) => k.name === name);
  const signingKey = await newSigningKey(name, (current?.generation ?? 0) + 1, now);
  return store.rotateAccessKey(name, newAccessKeySecret(), signingKey, now);
}

export interface TokenSigner {
  kid: string;
  /** base64url of the JWT header, computed once. */
  encodedHeader: string;
  privateKey: KeyObject;
}

export interface VerificationKey {
  record: SigningKeyRecord;
  publicKey: KeyObject;
}

export interface Jwk {
  kty: 'RSA';
  use: 'sig';
  alg: 'RS256';
  kid: string;
  x5t: string;
  n: string;
  e: string;
  x5c: string[];
}

/**
 * The resource's access keys and token signing keys, read from the store. Imported key objects are cached per `kid`
 * (a `kid` never changes meaning). The access-key list is cached until the store's change token moves (SQLite: any
 * commit by another connection, e.g. a rotation from the CLI) or, for stores without one, for `accessKeyTtlMs`, so
 * a rotation done by another process or instance takes effect.
 */
export class Keyring {
  readonly #store: Store;
  readonly #now: () => number;
  readonly #ttlMs: number;
  #accessKeys:
    | { at: number; token: number | undefined; records: AccessKeyRecord[]; hmac: HmacKey[] }
    | undefined;
  readonly #signers = new Map<string, TokenSigner>();
  readonly #publicKeys = new Map<string, VerificationKey>();

  constructor(store: Store, now: () => number, accessKeyTtlMs: number) {
    this.#store = store;
    this.#now = now;
    this.#ttlMs = accessKeyTtlMs;
  }

  invalidate(): void {
    this.#accessKeys = undefined;
  }

  async #current(): Promise<{ records: AccessKeyRecord[]; hmac: HmacKey[] }> {
    const now = this.#now();
    const cached = this.#accessKeys;
    const token = this.#store.changeToken?.();
    if (cached) {
      if (token !== undefined ? cached.token === token : now - cached.at < this.#ttlMs) return cached;
    }
    const records = await this.#store.getAccessKeys();
    const fresh = {
      at: now,
      token,
      records,
      hmac: records.map((r) => ({ name: r.name, secret: r.secret })),
    };
    this.#accessKeys = fresh;
    return fresh;
  }

  async accessKeyRecords(): Promise<AccessKeyRecord[]> {
    return (await this.#current()).records;
  }

  async hmacKeys(): Promise<HmacKey[]> {
    return (await this.#current()).hmac;
  }

  async accessKey(name: AccessKeyName): Promise<AccessKeyRecord | undefined> {
    return (await this.#current()).records.find((r) => r.name === name);
  }

  /** The signer for tokens requested with the given access key. */
  async signerFor(name: AccessKeyName): Promise<TokenSigner> {
    const record = await this.accessKey(name);
    if (!record) throw new Error(`Access key ${name} is missing from the store.`);
    const cached = this.#signers.get(record.kid);
    if (cached) return cached;
    const key = await this.#store.getSigningKey(record.kid);
    if (!key) throw new Error(`Signing key ${record.kid} is missing from the store.`);
    const header = { alg: 'RS256', kid: key.kid, x5t: key.x5t, typ: 'JWT' };
    const signer: TokenSigner = {
      kid: key.kid,
      encodedHeader: Buffer.from(JSON.stringify(header)).toString('base64url'),
      privateKey: createPrivateKey(key.privateKeyPem),
    };
    this.#signers.set(key.kid, signer);
    return signer;
  }

  /** The stored signing key (fresh `retiredAtMs`) and its cached public key object. */
  async verificationKey(kid: string): Promise<VerificationKey | undefined> {
    const record = await this.#store.getSigningKey(kid);
    if (!record) return undefined;
    const cached = this.#publicKeys.get(kid);
    const publicKey = cached?.publicKey ?? new X509Certificate(record.certificatePem).publicKey;
    const entry = { record, publicKey };
    this.#publicKeys.set(kid, entry);
    return entry;
  }

  /** JSON Web Key Set of the signing keys currently in use. */
  async jwks(): Promise<{ keys: Jwk[] }> {
    const records = await this.#store.listActiveSigningKeys();
    return {
      keys: records.map((r) => {
        const jwk = createPublicKey(r.certificatePem).export({ format: 'jwk' });
        const der = new X509Certificate(r.certificatePem).raw.toString('base64');
        return {
          kty: 'RSA',
          use: 'sig',
          alg: 'RS256',
          kid: r.kid,
          x5t: r.x5t,
          n: String(jwk.n),
          e: String(jwk.e),
          x5c: [der],
        };
      }),
    };
  }
}
