/**
 * The local Entra stand-in's directory: the applications (client id and secret, per tenant) and the users (user name and
 * password) its OAuth 2.0 token endpoint signs in. Kept in the store's metadata (`entra_app:<tenantId>:<appId>`,
 * `entra_user:<user name>`),
 * so every instance sharing the state and the data-folder functions ({@link registerEntraApp}) agree, also while an
 * emulator runs. Secrets and passwords are kept as salted SHA-256 hashes only, and never logged.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { derivedGuid, EntraIssuer, isGuid } from './entra.js';
import { EmulatorError, invalidOptions } from './errors.js';
import { type EmulatorStateOptions, withState } from './state.js';
import type { Store } from './store.js';

/** An application to register with the local Entra stand-in (`registerEntraApp`). */
export interface EntraAppRegistration {
  /** The application (client) id, a GUID. @default a new GUID */
  appId?: string;
  /**
   * The tenant it is registered in: the token endpoint signs it in there (a multi-tenant application is registered in
   * each tenant it is used in, as it has a service principal in each). @default the emulator's local tenant
   */
  tenantId?: string;
  /**
   * Its client secret (1 to 256 printable characters). Registering an application in a tenant again replaces its
   * secret there. @default a new random secret, returned once
   */
  secret?: string;
}

/** A registered application. */
export interface RegisteredEntraApp {
  appId: string;
  tenantId: string;
  /**
   * Object id of the application's service principal: the `oid` of the app tokens the `client_credentials` grant
   * gives. Grant it (or the appId) a role for the data plane: `assignRole`.
   */
  servicePrincipalId: string;
  /** The client secret in effect (as given or generated). Keep it: the emulator keeps only a hash of it. */
  secret: string;
}

/** A user to register with the local Entra stand-in (`registerEntraUser`), for the password grant. */
export interface EntraUserRegistration {
  /** The user principal name the user signs in with, e.g. `alice@contoso.example` (any case). */
  username: string;
  /** 1 to 256 printable characters. Registering a user name again replaces the user. @default a new random password */
  password?: string;
  /** The user's object id (`oid`), a GUID. @default a new GUID */
  objectId?: string;
  /** The user's tenant (`tid`). @default the emulator's local tenant */
  tenantId?: string;
  /** The `name` of its ID token. @default the part of the user name before `@` */
  displayName?: string;
  /** Group object ids for the `groups` claim of its Entra user tokens (Entra group assignments). @default none */
  groups?: readonly string[];
}

/** A registered user. */
export interface RegisteredEntraUser {
  username: string;
  objectId: string;
  tenantId: string;
  displayName: string;
  groups: string[];
  /** The password in effect (as given or generated). Keep it: the emulator keeps only a hash of it. */
  password: string;
}

/** A secret as stored: a random salt and SHA-256 of salt and secret (hex). */
interface StoredSecret {
  salt: string;
  hash: string;
}

/** An application as the token endpoint reads it. */
export interface EntraAppRecord {
  appId: string;
  tenantId: string;
  servicePrincipalId: string;
  secret: StoredSecret;
  createdAtMs: number;
}

/** A user as the token endpoint reads it. */
export interface EntraUserRecord {
  username: string;
  objectId: string;
  tenantId: string;
  displayName: string;
  groups: string[];
  password: StoredSecret;
  createdAtMs: number;
}

const appKey = (tenantId: string, appId: string) =>
  `entra_app:${tenantId.toLowerCase()}:${appId.toLowerCase()}`;
const userKey = (username: string) => `entra_user:${username.toLowerCase()}`;
const USERNAME = /^[^\s@]{1,113}@[^\s@]{1,142}$/;
/** Printable characters, no control characters. */
const SECRET = /^[^\p{Cc}]{1,256}$/u;

function hashOf(secret: string, salt: string): string {
  return createHash('sha256').update(salt).update(secret, 'utf8').digest('hex');
}

function storedSecret(secret: string): StoredSecret {
  const salt = randomBytes(16).toString('hex');
  return { salt, hash: hashOf(secret, salt) };
}

/** Whether `given` is the stored secret (compared in constant time). */
export function secretMatches(stored: StoredSecret, given: string): boolean {
  const expected = Buffer.from(stored.hash, 'hex');
  const actual = Buffer.from(hashOf(given, stored.salt), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A new random secret (40 characters, the length of Entra's client secrets). */
function newSecret(): string {
  return randomBytes(30).toString('base64url');
}

function guidOr(value: unknown, what: string, fallback: () => string): string {
  if (value === undefined) return fallback();
  if (!isGuid(value)) throw invalidOptions(`${what} must be a GUID; got ${String(value).slice(0, 60)}.`);
  return value.toLowerCase();
}

function secretOr(value: unknown, what: string): string {
  if (value === undefined) return newSecret();
  if (typeof value !== 'string' || !SECRET.test(value)) {
    throw invalidOptions(`${what} must be 1 to 256 printable characters.`);
  }
  return value;
}

function parsed<T>(raw: string | undefined, key: string): T | undefined {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch (e) {
    throw new EmulatorError('STORAGE_FAILED', `The stored ${key} is not valid JSON.`, { cause: e });
  }
}

/** Registers (or replaces) an application; `defaultTenant` is the local issuer's tenant. */
export async function putEntraApp(
  store: Store,
  registration: EntraAppRegistration,
  defaultTenant: string,
  now: number,
): Promise<RegisteredEntraApp> {
  if (typeof registration !== 'object' || registration === null) {
    throw invalidOptions('An application registration must be an object: { appId?, tenantId?, secret? }.');
  }
  const appId = guidOr(registration.appId, 'appId', randomUUID);
  const tenantId = guidOr(registration.tenantId, 'tenantId', () => defaultTenant);
  const secret = secretOr(registration.secret, 'The client secret');
  const servicePrincipalId = derivedGuid(`service-principal:${tenantId}:${appId}`);
  const existing = await findEntraApp(store, tenantId, appId);
  const record: EntraAppRecord = {
    appId,
    tenantId,
    servicePrincipalId,
    secret: storedSecret(secret),
    createdAtMs: existing?.createdAtMs ?? now,
  };
  await store.setMeta(appKey(tenantId, appId), JSON.stringify(record));
  return { appId, tenantId, servicePrincipalId, secret };
}

/** Registers (or replaces) a user; `defaultTenant` is the local issuer's tenant. */
export async function putEntraUser(
  store: Store,
  registration: EntraUserRegistration,
  defaultTenant: string,
  now: number,
): Promise<RegisteredEntraUser> {
  const username: unknown = registration?.username;
  if (typeof username !== 'string' || !USERNAME.test(username)) {
    throw invalidOptions(
      `A user needs username, a user principal name such as alice@contoso.example; got ${String(username).slice(0, 60)}.`,
    );
  }
  const objectId = guidOr(registration.objectId, 'objectId', randomUUID);
  const tenantId = guidOr(registration.tenantId, 'tenantId', () => defaultTenant);
  const password = secretOr(registration.password, 'The password');
  const displayName = registration.displayName ?? username.slice(0, username.indexOf('@'));
  if (typeof displayName !== 'string' || !/^[^\p{Cc}]{1,256}$/u.test(displayName)) {
    throw invalidOptions('displayName must be 1 to 256 printable characters.');
  }
  const groups = registration.groups ?? [];
  if (!Array.isArray(groups) || !groups.every(isGuid)) {
    throw invalidOptions('groups takes group object ids (GUIDs).');
  }
  const existing = await findEntraUser(store, username);
  const record: EntraUserRecord = {
    username,
    objectId,
    tenantId,
    displayName,
    groups: groups.map((g) => g.toLowerCase()),
    password: storedSecret(password),
    createdAtMs: existing?.createdAtMs ?? now,
  };
  await store.setMeta(userKey(username), JSON.stringify(record));
  return { username, objectId, tenantId, displayName, groups: record.groups, password };
}

/** The application registered in the tenant with this client id, if any. */
export async function findEntraApp(
  store: Store,
  tenantId: string,
  appId: string,
): Promise<EntraAppRecord | undefined> {
  if (!isGuid(tenantId) || !isGuid(appId)) return undefined;
  return parsed<EntraAppRecord>(await store.getMeta(appKey(tenantId, appId)), 'Entra application');
}

/** The registered user with this user name (any case), if any. */
export async function findEntraUser(store: Store, username: string): Promise<EntraUserRecord | undefined> {
  if (!USERNAME.test(username)) return undefined;
  return parsed<EntraUserRecord>(await store.getMeta(userKey(username)), 'Entra user');
}

/**
 * Registers an application with the local Entra stand-in of the emulator state in `dataDir` (or `databaseUrl`), also
 * while an emulator runs on it: its token endpoint then gives the application tokens for its client secret (the
 * `client_credentials` grant, `ClientSecretCredential`) and signs users in through it (the password grant).
 */
export function registerEntraApp(
  options: EmulatorStateOptions,
  app: EntraAppRegistration = {},
): Promise<RegisteredEntraApp> {
  return withState(options, async (store, now) =>
    putEntraApp(store, app, (await EntraIssuer.load(store, now)).tenantId, now),
  );
}

/**
 * Registers a user with the local Entra stand-in of the emulator state in `dataDir` (or `databaseUrl`), also while an
 * emulator runs on it: the password grant (`UsernamePasswordCredential`) then signs the user in.
 */
export function registerEntraUser(
  options: EmulatorStateOptions,
  user: EntraUserRegistration,
): Promise<RegisteredEntraUser> {
  return withState(options, async (store, now) =>
    putEntraUser(store, user, (await EntraIssuer.load(store, now)).tenantId, now),
  );
}
