import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeHmacSignature, contentSha256, hmacStringToSign } from '@acs-identity/core/node';
import { uniqueSchema as sharedUniqueSchema } from '@acs-identity/testing';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import type { EmulatorInfo, EmulatorLogEntry, EmulatorOptions, RunningEmulator } from '../src/index.js';
import { readEmulatorInfo, startEmulator } from '../src/index.js';

export async function tempDir(prefix = 'acs-emulator-'): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export interface TestEmulator {
  emulator: RunningEmulator;
  info: EmulatorInfo;
  ca: string;
  logs: EmulatorLogEntry[];
  /** Milliseconds since the epoch the emulator sees; tests move it. */
  clock: { now: number };
  close(): Promise<void>;
}

/** Starts an in-process emulator in a fresh data folder with a controllable clock. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const dir = await tempDir();
  const logs: EmulatorLogEntry[] = [];
  const clock = { now: Date.now() };
  const emulator = await startEmulator({
    dataDir: dir.path,
    logger: (e) => logs.push(e),
    clock: () => clock.now,
    rateLimits: false,
    ...options,
  });
  const ca = emulator.info.caCertFile ? await readFile(emulator.info.caCertFile, 'utf8') : '';
  return {
    emulator,
    info: emulator.info,
    ca,
    logs,
    clock,
    close: async () => {
      await emulator.close();
      await dir.remove();
    },
  };
}

/** The real JS SDK, trusting the emulator's CA through the pipeline's TLS options. */
export function sdkClient(t: { info: EmulatorInfo; ca: string }, connectionString = t.info.connectionString) {
  return new CommunicationIdentityClient(connectionString, {
    tlsOptions: { ca: t.ca },
    retryOptions: { maxRetries: 0 },
  });
}

export function accessKeyOf(connectionString: string): string {
  const match = /accesskey=([^;]+)/i.exec(connectionString);
  if (!match?.[1]) throw new Error('connection string without accesskey');
  return match[1];
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

export interface SignedRequestOptions {
  method?: string;
  /** Request target, e.g. `/identities?api-version=2023-10-01`. */
  target: string;
  body?: string | Buffer;
  contentType?: string;
  /** base64 access key; defaults to the primary one. */
  accessKey?: string;
  /** Value of x-ms-date; defaults to now. */
  date?: string;
  /** Sign and send this content hash instead of the body's (a body altered after signing). */
  declaredContentHash?: string;
  /** Skip the Authorization header. */
  unsigned?: boolean;
  headers?: Record<string, string>;
}

/** A hand-signed HTTPS request, for what the SDKs never send. */
export function signedRequest(t: TestEmulator, o: SignedRequestOptions): Promise<RawResponse> {
  const url = new URL(t.info.endpoint);
  const method = o.method ?? 'POST';
  const body = o.body === undefined ? Buffer.alloc(0) : Buffer.from(o.body);
  const date = o.date ?? new Date(t.clock.now).toUTCString();
  const hash = o.declaredContentHash ?? contentSha256(body);
  const host = url.host;
  const signature = computeHmacSignature(
    o.accessKey ?? accessKeyOf(t.info.connectionString),
    hmacStringToSign({ method, pathAndQuery: o.target, date, host, contentHash: hash }),
  );
  const headers: Record<string, string> = {
    host,
    'x-ms-date': date,
    'x-ms-content-sha256': hash,
    ...(o.unsigned
      ? {}
      : {
          authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
        }),
    ...(body.length > 0 ? { 'content-type': o.contentType ?? 'application/json' } : {}),
    ...(o.headers ?? {}),
  };
  return rawRequest(t, method, o.target, headers, body);
}

export function rawRequest(
  t: { info: EmulatorInfo; ca: string },
  method: string,
  target: string,
  headers: Record<string, string>,
  body: Buffer = Buffer.alloc(0),
): Promise<RawResponse> {
  const url = new URL(t.info.endpoint);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port,
        method,
        path: target,
        ca: t.ca,
        headers: { ...headers, 'content-length': String(body.length) },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** POST {token} to the verification endpoint. */
export async function verify(t: TestEmulator, token: string): Promise<Record<string, unknown>> {
  const res = await rawRequest(
    t,
    'POST',
    '/emulator/verify-token',
    { 'content-type': 'application/json' },
    Buffer.from(JSON.stringify({ token })),
  );
  if (res.status !== 200) throw new Error(`verify-token answered ${res.status}: ${res.text}`);
  return res.json as Record<string, unknown>;
}

export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
export const MAIN_JS = join(PACKAGE_DIR, 'dist', 'main.js');

export interface ChildEmulator {
  child: ChildProcess;
  info: EmulatorInfo;
  ca: string;
  stderr(): string;
  /** Sends a signal and resolves with the exit code (or signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Runs the built `dist/main.js` as a child process and waits until it listens. */
export async function spawnEmulator(dataDir: string, args: string[] = []): Promise<ChildEmulator> {
  if (!existsSync(MAIN_JS))
    throw new Error(`${MAIN_JS} is missing: run npm run build in packages/emulator first.`);
  const child = spawn(
    process.execPath,
    [MAIN_JS, '--port', '0', '--data-dir', dataDir, '--no-rate-limits', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  let out = '';
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('"msg":"listening"')) resolve();
    });
    exited.then((code) => reject(new Error(`emulator exited with ${code} before listening: ${err}`)));
  });
  const info = readEmulatorInfo(dataDir);
  if (!info) throw new Error('emulator.json missing after start');
  const ca = info.caCertFile ? await readFile(info.caCertFile, 'utf8') : '';
  return {
    child,
    info,
    ca,
    stderr: () => err,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export { dropSchema, pythonAzure, testDatabaseUrl } from '@acs-identity/testing';

/** A schema name unique to this test run. */
export function uniqueSchema(label: string): string {
  return sharedUniqueSchema(`acs_emu_${label}`);
}
