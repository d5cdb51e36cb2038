/**
 * The factory and the listener: `createEmulator` builds an emulator (store, keys, TLS material, the request handler)
 * without listening; `startEmulator` also takes the data folder's lock, listens and publishes `emulator.json`.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { loadOrCreateTlsMaterial, type TlsMaterial } from './certificates.js';
import type { ServiceContext } from './context.js';
import { type EmulatorInfo, readEmulatorInfo, removeEmulatorInfo, writeEmulatorInfo } from './discovery.js';
import { listeningEndpoint, PublicEndpoint } from './endpoint.js';
import { authorityHost, EntraIssuer, type EntraTokenRequest, type MintedEntraToken } from './entra.js';
import {
  type EntraAppRegistration,
  type EntraUserRegistration,
  putEntraApp,
  putEntraUser,
  type RegisteredEntraApp,
  type RegisteredEntraUser,
} from './entra-directory.js';
import { EmulatorError, toEmulatorError } from './errors.js';
import type { AccessKeyName } from './hmac.js';
import { ACCESS_KEY_NAMES, createSeed, Keyring, rotateStoredAccessKey } from './keyring.js';
import { serve } from './listener.js';
import { DataDirLock } from './lock.js';
import { type EmulatorOptions, type NormalizedOptions, normalizeOptions } from './options.js';
import { createRequestHandler } from './pipeline.js';
import { ownerOnlyDir } from './private-files.js';
import type { RateLimiter } from './rate-limit.js';
import { openRateLimiter } from './rate-limit-open.js';
import { deleteRoleGrant, putRoleGrant } from './roles.js';
import { EMULATOR_ROUTES } from './routes.js';
import { type EmulatorStateOptions, withState } from './state.js';
import type { RoleGrantRecord, Store } from './store.js';
import { openStore } from './store-open.js';

/** A built emulator: store open, keys and TLS material loaded, not yet listening. */
export interface Emulator {
  /** Absolute data folder. */
  readonly dataDir: string;
  /** GUID of the emulated resource. */
  readonly resourceId: string;
  /** PEM of the local CA to trust; `undefined` with `tls: false`. */
  readonly caCertFile: string | undefined;
  readonly storage: 'sqlite' | 'postgres';
  /** The request listener, to mount on your own `node:http(s)` server (tests in-process). */
  readonly handleRequest: (req: IncomingMessage, res: ServerResponse) => void;
  /** Set once `listen()` resolved. */
  readonly info: EmulatorInfo | undefined;
  /** Path of the emulator.json this emulator wrote (only {@link startEmulator} writes one). */
  readonly infoFile: string | undefined;
  /** Starts serving on the configured host and port (`PORT_IN_USE` when the port is taken). */
  listen(): Promise<EmulatorInfo>;
  /**
   * The local Entra issuer's default tenant, the system-assigned managed identity it serves, and its authority host
   * (`<public endpoint>entra`: `@azure/identity`'s `authorityHost`, with `disableInstanceDiscovery: true`).
   */
  readonly entra: {
    readonly tenantId: string;
    readonly systemAssigned: { readonly principalId: string; readonly clientId: string };
    readonly authorityHost: string;
  };
  /**
   * Mints a token of the local Entra issuer: a Teams user token for the exchange (`teamsUser` + `appId`) or a
   * principal's token for the data plane (`principal`). Its `iss` names this emulator's endpoint once listening.
   */
  mintEntraToken(request: EntraTokenRequest): MintedEntraToken;
  /**
   * Registers (or replaces) an application with the local Entra stand-in: its token endpoint then gives it app tokens
   * for its client secret (`ClientSecretCredential`) and signs users in through it (`UsernamePasswordCredential`).
   */
  registerEntraApp(app?: EntraAppRegistration): Promise<RegisteredEntraApp>;
  /** Registers (or replaces) a user with the local Entra stand-in, for the password grant. */
  registerEntraUser(user: EntraUserRegistration): Promise<RegisteredEntraUser>;
  /** Grants a principal (object id or application id) access to the data plane with bearer tokens. */
  assignRole(principalId: string, role?: string): Promise<RoleGrantRecord>;
  /** `false` when the principal had no grant. */
  removeRole(principalId: string): Promise<boolean>;
  listRoles(): Promise<RoleGrantRecord[]>;
  /** Replaces an access key (and rewrites emulator.json when this emulator wrote it); revokes its tokens. */
  rotateAccessKey(name: AccessKeyName): Promise<EmulatorInfo | undefined>;
  /** Stops listening, closes connections and the store, removes the emulator.json and lock it wrote. Idempotent. */
  close(): Promise<void>;
}

/** An emulator that listens, owns its data folder and has written `<dataDir>/emulator.json`. */
export interface RunningEmulator extends Emulator {
  readonly info: EmulatorInfo;
  /** Path of the emulator.json it wrote. */
  readonly infoFile: string;
}

function connectionString(endpoint: string, secret: string): string {
  return `endpoint=${endpoint};accesskey=${secret}`;
}

/** The store (seeded), the resource, the local Entra issuer and the TLS material of the options' data folder. */
async function openServiceState(
  o: NormalizedOptions,
  inClusterWorker: boolean,
): Promise<{ ctx: ServiceContext; tls: TlsMaterial | undefined }> {
  ownerOnlyDir(o.dataDir);
  const store: Store = await openStore(o);
  let limiter: RateLimiter | undefined;
  try {
    await store.initialize(() => createSeed(o.now()));
    const resource = await store.getResource();
    const entra = await EntraIssuer.load(store, o.now(), o.trustedIssuers);
    const tls = o.tls ? await loadOrCreateTlsMaterial(join(o.dataDir, 'tls'), [o.host], o.now()) : undefined;
    const keyring = new Keyring(store, o.now, store.kind === 'postgres' ? 1000 : 0);
    limiter = await openRateLimiter(o, inClusterWorker);
    const publicEndpoint = new PublicEndpoint(o.publicEndpoint, o.tls, o.host, o.port);
    return { ctx: { options: o, store, keyring, resource, limiter, entra, publicEndpoint }, tls };
  } catch (e) {
    await limiter?.close();
    await store.close();
    throw toEmulatorError(e);
  }
}

/** What a client needs to reach the emulator on `port` (emulator.json). */
async function describe(
  ctx: ServiceContext,
  tls: TlsMaterial | undefined,
  port: number,
): Promise<EmulatorInfo> {
  const { options: o, keyring, resource, entra, store } = ctx;
  const endpoint = listeningEndpoint(tls !== undefined, o.host, port);
  const keys = await keyring.accessKeyRecords();
  const secret = (name: AccessKeyName) => keys.find((k) => k.name === name)?.secret ?? '';
  return {
    endpoint,
    connectionString: connectionString(endpoint, secret('primary')),
    secondaryConnectionString: connectionString(endpoint, secret('secondary')),
    ...(tls ? { caCertFile: tls.caCertFile } : {}),
    dataDir: o.dataDir,
    resourceId: resource.resourceId,
    verifyTokenUrl: `${endpoint}${EMULATOR_ROUTES.verifyToken.slice(1)}`,
    jwksUrl: `${endpoint}${EMULATOR_ROUTES.jwks.slice(1)}`,
    storage: store.kind,
    entraTenantId: entra.tenantId,
    entraIssuer: entra.issuerUrl(ctx.publicEndpoint.url),
    entraAuthorityHost: authorityHost(ctx.publicEndpoint.url),
    identityEndpoint: `${endpoint}${EMULATOR_ROUTES.managedIdentityToken.slice(1)}`,
    identityHeader: entra.identityHeader,
    systemAssignedPrincipalId: entra.systemIdentity.principalId,
    port,
    pid: process.pid,
    startedAt: new Date(o.now()).toISOString(),
  };
}

/** The emulator plus what only {@link startEmulator} may do: publish emulator.json. */
interface BuiltEmulator {
  emulator: Emulator;
  /** Writes emulator.json (after listen); close() then removes it. Returns its path. */
  publishInfo(): Promise<string>;
}

/** Builds an emulator: opens the store (seeding a new resource), loads keys and TLS material. Does not listen. */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return (await buildEmulator(normalizeOptions(options))).emulator;
}

/**
 * `createEmulator` for a worker of the package's own cluster (`cluster-worker.ts`): with shared limits and no shared
 * database, its budgets are counted by the primary. Not exported from the package.
 */
export async function createClusterWorkerEmulator(options: EmulatorOptions): Promise<Emulator> {
  return (await buildEmulator(normalizeOptions(options), undefined, true)).emulator;
}

async function buildEmulator(
  o: NormalizedOptions,
  lock?: DataDirLock,
  inClusterWorker = false,
): Promise<BuiltEmulator> {
  const { ctx, tls } = await openServiceState(o, inClusterWorker);
  const { store, keyring, entra, resource } = ctx;
  const handleRequest = createRequestHandler(ctx);
  const log = (msg: string) => o.logger({ time: new Date(o.now()).toISOString(), level: 'info', msg });
  let server: Server | undefined;
  let info: EmulatorInfo | undefined;
  let infoFile: string | undefined;
  let closed = false;

  const emulator: Emulator = {
    dataDir: o.dataDir,
    resourceId: resource.resourceId,
    caCertFile: tls?.caCertFile,
    storage: store.kind,
    handleRequest,
    get info() {
      return info;
    },
    get infoFile() {
      return infoFile;
    },
    entra: {
      tenantId: entra.tenantId,
      systemAssigned: entra.systemIdentity,
      get authorityHost() {
        return authorityHost(ctx.publicEndpoint.url);
      },
    },
    mintEntraToken(request) {
      return entra.mint(request, ctx.publicEndpoint.url, o.now());
    },
    registerEntraApp: (app = {}) => putEntraApp(store, app, entra.tenantId, o.now()),
    registerEntraUser: (user) => putEntraUser(store, user, entra.tenantId, o.now()),
    assignRole: (principalId, role) => putRoleGrant(store, principalId, role, o.now()),
    removeRole: (principalId) => deleteRoleGrant(store, principalId),
    listRoles: () => store.listGrants(),
    async listen() {
      if (closed) throw new EmulatorError('NOT_LISTENING', 'This emulator was closed; create a new one.');
      if (info) return info;
      const listening = await serve(o, tls, handleRequest);
      server = listening.server;
      ctx.publicEndpoint.listening(listeningEndpoint(tls !== undefined, o.host, listening.port));
      info = await describe(ctx, tls, listening.port);
      await lock?.describe(info.endpoint);
      log(`listening on ${info.endpoint} (${store.kind}, resource ${resource.resourceId})`);
      return info;
    },
    async rotateAccessKey(name) {
      const rotated = await rotateStoredAccessKey(store, accessKeyName(name), o.now());
      keyring.invalidate();
      log(
        `rotated the ${name} access key (generation ${rotated.generation}); tokens issued under the old key are invalid`,
      );
      if (!info) return undefined;
      info = { ...(await describe(ctx, tls, info.port)), startedAt: info.startedAt };
      if (infoFile) await writeEmulatorInfo(info);
      return info;
    },
    async close() {
      if (closed) return;
      closed = true;
      const s = server;
      if (s) {
        await new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections();
        });
      }
      if (infoFile && info) await removeEmulatorInfo(o.dataDir, info.pid, info.port);
      await ctx.limiter?.close();
      await store.close();
      await lock?.release();
      log('stopped');
    },
  };
  const publishInfo = async (): Promise<string> => {
    if (!info) throw new EmulatorError('NOT_LISTENING', 'Call listen() before publishing emulator.json.');
    infoFile = await writeEmulatorInfo(info);
    return infoFile;
  };
  return { emulator, publishInfo };
}

/**
 * Takes the data folder's lock (`DATA_DIR_IN_USE` when another emulator holds it), creates the emulator, listens, and
 * writes `<dataDir>/emulator.json` for other tools to find it.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const o = normalizeOptions(options);
  const lock = await DataDirLock.acquire(o.dataDir, o.now());
  let built: BuiltEmulator;
  try {
    built = await buildEmulator(o, lock);
  } catch (e) {
    await lock.release();
    throw e;
  }
  const { emulator, publishInfo } = built;
  try {
    await emulator.listen();
    await publishInfo();
    return emulator as RunningEmulator; // info and infoFile are set from here on
  } catch (e) {
    await emulator.close();
    throw e;
  }
}

function accessKeyName(name: unknown): AccessKeyName {
  if (!ACCESS_KEY_NAMES.includes(name as AccessKeyName)) {
    throw new EmulatorError(
      'INVALID_OPTIONS',
      `Access key must be 'primary' or 'secondary'; got ${String(name)}.`,
    );
  }
  return name as AccessKeyName;
}

/** Options of {@link rotateAccessKey}: where the emulator keeps its state. */
export type RotateAccessKeyOptions = EmulatorStateOptions;

export interface RotatedAccessKey {
  name: AccessKeyName;
  /** 2 after the first rotation. */
  generation: number;
  /** The refreshed emulator.json when a running emulator uses this data folder. */
  info: EmulatorInfo | undefined;
}

/**
 * Rotates an access key of the emulator state in `dataDir` (or `databaseUrl`), also while an emulator runs on it:
 * the old key stops authenticating and every token issued under it becomes invalid ("key-rotated"). A running
 * emulator picks the change up on its next request (SQLite) or within a second (PostgreSQL).
 */
export async function rotateAccessKey(
  options: RotateAccessKeyOptions,
  name: AccessKeyName,
): Promise<RotatedAccessKey> {
  const key = accessKeyName(name);
  return withState(options, async (store, now, dataDir) => {
    const rotated = await rotateStoredAccessKey(store, key, now);
    const resource = await store.getResource();
    let info = readEmulatorInfo(dataDir);
    if (info && info.resourceId === resource.resourceId) {
      const keys = await store.getAccessKeys();
      const secret = (n: AccessKeyName) => keys.find((k) => k.name === n)?.secret ?? '';
      info = {
        ...info,
        connectionString: connectionString(info.endpoint, secret('primary')),
        secondaryConnectionString: connectionString(info.endpoint, secret('secondary')),
      };
      await writeEmulatorInfo(info);
    } else {
      info = undefined;
    }
    return { name: key, generation: rotated.generation, info };
  });
}
