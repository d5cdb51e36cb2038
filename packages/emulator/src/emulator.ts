import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadOrCreateTlsMaterial, type TlsMaterial } from './certificates.js';
import {
  type EmulatorInfo,
  infoFilePath,
  readEmulatorInfo,
  removeEmulatorInfo,
  writeEmulatorInfo,
} from './discovery.js';
import { EntraIssuer, type EntraTokenRequest, type MintedEntraToken } from './entra.js';
import { EmulatorError, toEmulatorError } from './errors.js';
import type { AccessKeyName } from './hmac.js';
import { answerClientError } from './http.js';
import { ACCESS_KEY_NAMES, createSeed, Keyring, rotateStoredAccessKey } from './keyring.js';
import { type EmulatorOptions, normalizeOptions, resolveDataDir } from './options.js';
import { RateLimiter } from './rate-limits.js';
import { deleteRoleGrant, putRoleGrant } from './roles.js';
import { createRequestHandler, EMULATOR_ROUTES } from './service.js';
import { type EmulatorStateOptions, withState } from './state.js';
import type { ResourceRecord, RoleGrantRecord, Store } from './store.js';
import { openStore } from './stores.js';

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
  /** Starts serving on the configured host and port. */
  listen(): Promise<EmulatorInfo>;
  /** The local Entra issuer's default tenant and the system-assigned managed identity it serves. */
  readonly entra: {
    readonly tenantId: string;
    readonly systemAssigned: { readonly principalId: string; readonly clientId: string };
  };
  /**
   * Mints a token of the local Entra issuer: a Teams user token for the exchange (`teamsUser` + `appId`) or a
   * principal's token for the data plane (`principal`). Its `iss` names this emulator's endpoint once listening.
   */
  mintEntraToken(request: EntraTokenRequest): MintedEntraToken;
  /** Grants a principal (object id or application id) access to the data plane with bearer tokens. */
  assignRole(principalId: string, role?: string): Promise<RoleGrantRecord>;
  /** `false` when the principal had no grant. */
  removeRole(principalId: string): Promise<boolean>;
  listRoles(): Promise<RoleGrantRecord[]>;
  /** Replaces an access key (and rewrites emulator.json when this emulator wrote it); revokes its tokens. */
  rotateAccessKey(name: AccessKeyName): Promise<EmulatorInfo | undefined>;
  /** Stops listening, closes connections and the store, removes emulator.json it wrote. Idempotent. */
  close(): Promise<void>;
}

/** An emulator that listens and has written `<dataDir>/emulator.json`. */
export interface RunningEmulator extends Emulator {
  readonly info: EmulatorInfo;
  /** Path of the emulator.json it wrote. */
  readonly infoFile: string;
}

/** The host clients should use: wildcard addresses (`0.0.0.0`, `::`, which also accepts IPv4) name 127.0.0.1. */
function endpointHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '[::]') return '127.0.0.1';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function connectionString(endpoint: string, secret: string): string {
  return `endpoint=${endpoint};accesskey=${secret}`;
}

/** The emulator plus what only {@link startEmulator} may do: publish emulator.json. */
interface BuiltEmulator {
  emulator: Emulator;
  /** Writes emulator.json (after listen); close() then removes it. Returns its path. */
  publishInfo(): Promise<string>;
}

/** Builds an emulator: opens the store (seeding a new resource), loads keys and TLS material. Does not listen. */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return (await buildEmulator(options)).emulator;
}

async function buildEmulator(options: EmulatorOptions): Promise<BuiltEmulator> {
  const o = normalizeOptions(options);
  const store: Store = await openStore(o);
  let tls: TlsMaterial | undefined;
  let resource: ResourceRecord;
  let entra: EntraIssuer;
  try {
    await store.initialize(() => createSeed(o.clock()));
    resource = await store.getResource();
    entra = await EntraIssuer.load(store, o.clock(), o.trustedIssuers);
    if (o.tls) tls = await loadOrCreateTlsMaterial(join(o.dataDir, 'tls'), [o.host], o.clock());
  } catch (e) {
    await store.close();
    throw toEmulatorError(e);
  }
  const keyring = new Keyring(store, o.clock, store.kind === 'postgres' ? 1000 : 0);
  const limiter = o.rateLimits ? new RateLimiter(o.rateLimits, o.clock) : undefined;
  const handleRequest = createRequestHandler({ options: o, store, keyring, resource, limiter, entra });

  const log = (msg: string) => o.logger({ time: new Date(o.clock()).toISOString(), level: 'info', msg });
  let server: Server | undefined;
  let info: EmulatorInfo | undefined;
  let infoFile: string | undefined;
  let closed = false;

  const describe = async (port: number): Promise<EmulatorInfo> => {
    const endpoint = `${tls ? 'https' : 'http'}://${endpointHost(o.host)}:${port}/`;
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
      entraIssuer: entra.issuerUrl(endpoint),
      identityEndpoint: `${endpoint}${EMULATOR_ROUTES.managedIdentityToken.slice(1)}`,
      identityHeader: entra.identityHeader,
      systemAssignedPrincipalId: entra.systemIdentity.principalId,
      port,
      pid: process.pid,
      startedAt: new Date(o.clock()).toISOString(),
    };
  };

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
    entra: { tenantId: entra.tenantId, systemAssigned: entra.systemIdentity },
    mintEntraToken(request) {
      return entra.mint(request, info?.endpoint ?? `${tls ? 'https' : 'http'}://127.0.0.1/`, o.clock());
    },
    assignRole: (principalId, role) => putRoleGrant(store, principalId, role, o.clock()),
    removeRole: (principalId) => deleteRoleGrant(store, principalId),
    listRoles: () => store.listGrants(),
    async listen() {
      if (closed) throw new EmulatorError('NOT_LISTENING', 'This emulator was closed; create a new one.');
      if (info) return info;
      const s = tls
        ? createHttpsServer({ key: tls.keyPem, cert: tls.certPem, minVersion: 'TLSv1.2' }, handleRequest)
        : createHttpServer(handleRequest);
      s.on('clientError', answerClientError);
      await new Promise<void>((resolve, reject) => {
        const onError = (e: NodeJS.ErrnoException) => {
          reject(
            new EmulatorError(
              'INVALID_OPTIONS',
              e.code === 'EADDRINUSE'
                ? `Port ${o.port} on ${o.host} is already in use; choose another port (0 picks a free one).`
                : `The emulator could not listen on ${o.host}:${o.port}: ${e.message}`,
              { cause: e },
            ),
          );
        };
        s.once('error', onError);
        s.listen(o.port, o.host, () => {
          s.off('error', onError);
          resolve();
        });
      });
      server = s;
      info = await describe((s.address() as AddressInfo).port);
      log(`listening on ${info.endpoint} (${store.kind}, resource ${resource.resourceId})`);
      return info;
    },
    async rotateAccessKey(name) {
      if (!ACCESS_KEY_NAMES.includes(name)) {
        throw new EmulatorError(
          'INVALID_OPTIONS',
          `Access key must be 'primary' or 'secondary'; got ${String(name)}.`,
        );
      }
      const rotated = await rotateStoredAccessKey(store, name, o.clock());
      keyring.invalidate();
      log(
        `rotated the ${name} access key (generation ${rotated.generation}); tokens issued under the old key are invalid`,
      );
      if (!info) return undefined;
      info = { ...(await describe(info.port)), startedAt: info.startedAt };
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
      await store.close();
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

/** Creates the emulator, listens, and writes `<dataDir>/emulator.json` for other tools to find it. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { emulator, publishInfo } = await buildEmulator(options);
  try {
    await emulator.listen();
    await publishInfo();
    return emulator as RunningEmulator; // info and infoFile are set from here on
  } catch (e) {
    await emulator.close();
    throw e;
  }
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
  if (!ACCESS_KEY_NAMES.includes(name)) {
    throw new EmulatorError(
      'INVALID_OPTIONS',
      `Access key must be 'primary' or 'secondary'; got ${String(name)}.`,
    );
  }
  return withState(options, async (store, now, dataDir) => {
    const rotated = await rotateStoredAccessKey(store, name, now);
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
    return { name, generation: rotated.generation, info };
  });
}

export { infoFilePath, readEmulatorInfo, resolveDataDir };
