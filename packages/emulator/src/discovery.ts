import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { DEFAULT_DATA_DIR } from '@acs-identity/core/vocabulary';
import { infoFilePath } from './data-dir.js';
import { writeAtomically } from './files.js';

/** What a client needs to reach a running emulator; written to `<dataDir>/emulator.json`. */
export interface EmulatorInfo {
  /** Base URL with a trailing slash, e.g. `https://127.0.0.1:8443/`. */
  endpoint: string;
  /** `endpoint=...;accesskey=...` with the primary access key (a secret: the file is mode 0600). */
  connectionString: string;
  /** The same with the secondary access key. */
  secondaryConnectionString: string;
  /** PEM file of the local CA to trust (absent when serving plain HTTP). */
  caCertFile?: string;
  /** Absolute data folder. */
  dataDir: string;
  /** GUID of the emulated resource; every identity id starts with `8:acs:<resourceId>_`. */
  resourceId: string;
  /** `POST` here with `{"token"}` to learn whether a token is valid. */
  verifyTokenUrl: string;
  /** The token signing keys as a JSON Web Key Set. */
  jwksUrl: string;
  storage: 'sqlite' | 'postgres';
  /** The local Entra issuer's default tenant id. */
  entraTenantId?: string;
  /** The local Entra issuer (`<endpoint>entra/<tenant>/v2.0`); discovery at `<issuer>/.well-known/openid-configuration`. */
  entraIssuer?: string;
  /**
   * The local Entra stand-in's authority host (`<endpoint>entra`): `authorityHost` (or `AZURE_AUTHORITY_HOST`) of
   * `@azure/identity`'s credentials, whose token endpoint is `<entraAuthorityHost>/<tenant>/oauth2/v2.0/token`.
   */
  entraAuthorityHost?: string;
  /** Set `IDENTITY_ENDPOINT` to this (App Service managed-identity protocol). */
  identityEndpoint?: string;
  /** Set `IDENTITY_HEADER` to this (a secret: the file is mode 0600). */
  identityHeader?: string;
  /** Principal (object) id of the system-assigned managed identity served at `identityEndpoint`. */
  systemAssignedPrincipalId?: string;
  port: number;
  /** Process that serves the endpoint. */
  pid: number;
  startedAt: string;
}

export { infoFilePath };

/** Whether a process of this machine is running. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isInfo(value: unknown): value is EmulatorInfo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.endpoint === 'string' &&
    typeof v.connectionString === 'string' &&
    typeof v.dataDir === 'string' &&
    typeof v.resourceId === 'string' &&
    (v.caCertFile === undefined || typeof v.caCertFile === 'string')
  );
}

/**
 * Reads `<dataDir>/emulator.json` written by a running emulator. `undefined` when there is none, it is unreadable, or
 * the process that wrote it has exited (e.g. after a `kill -9`).
 */
export function readEmulatorInfo(dataDir: string = DEFAULT_DATA_DIR): EmulatorInfo | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(infoFilePath(dataDir), 'utf8'));
  } catch {
    return undefined;
  }
  if (!isInfo(parsed)) return undefined;
  if (typeof parsed.pid === 'number' && !processAlive(parsed.pid)) return undefined;
  return parsed;
}

/** Writes `<dataDir>/emulator.json` (mode 0600: it holds the access keys) atomically; returns its path. */
export async function writeEmulatorInfo(info: EmulatorInfo): Promise<string> {
  const file = infoFilePath(info.dataDir);
  await writeAtomically(file, `${JSON.stringify(info, null, 2)}\n`, 0o600);
  return file;
}

/** Removes emulator.json if it still describes this process and port. */
export async function removeEmulatorInfo(dataDir: string, pid: number, port: number): Promise<void> {
  let current: unknown;
  try {
    current = JSON.parse(readFileSync(infoFilePath(dataDir), 'utf8'));
  } catch {
    return;
  }
  if (isInfo(current) && current.pid === pid && current.port === port)
    await rm(infoFilePath(dataDir), { force: true });
}
