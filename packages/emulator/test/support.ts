import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { type Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeHmacSignature, contentSha256, hmacStringToSign } from '@acs-identity/core/node';
import { accessKeyOf, uniqueSchema as sharedUniqueSchema, spawnNodeScript } from '@acs-identity/testing';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import type {
  EmulatorClusterLogEntry,
  EmulatorInfo,
  EmulatorLogEntry,
  EmulatorOptions,
  RunningEmulator,
} from '../src/index.js';
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
    port: 0,
    dataDir: dir.path,
    logger: (e) => logs.push(e),
    now: () => clock.now,
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

export { accessKeyOf };

/** Where a raw request goes: the emulator's endpoint, and the CA to trust for it. */
export interface Target {
  info: Pick<EmulatorInfo, 'endpoint' | 'connectionString'>;
  ca: string;
  /** The emulator's clock, for the default x-ms-date of signed requests; absent: now. */
  clock?: { now: number };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

export interface RawRequestOptions {
  agent?: Agent;
  /** Reject when no complete answer arrived within this many milliseconds; absent: wait as long as it takes. */
  deadlineMs?: number;
}

/**
 * One HTTPS request, for what the SDKs never send; `body` may be a Buffer or, for a body sent in chunks without
 * Content-Length, an array of Buffers.
 */
export function rawRequest(
  t: Target,
  method: string,
  target: string,
  headers: Record<string, string>,
  body: Buffer | Buffer[] = Buffer.alloc(0),
  options: RawRequestOptions = {},
): Promise<RawResponse> {
  const url = new URL(t.info.endpoint);
  const chunked = Array.isArray(body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port,
        method,
        path: target,
        ca: t.ca,
        headers: chunked ? headers : { ...headers, 'content-length': String(body.length) },
        agent: options.agent ?? false,
        ...(options.deadlineMs === undefined ? {} : { timeout: options.deadlineMs }),
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
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer to ${method} ${target.slice(0, 80)} in ${options.deadlineMs} ms`)),
    );
    let answered = false;
    req.on('response', () => {
      answered = true;
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      // The server may answer (e.g. 413) and close before the whole body was written: the answer counts, if it
      // arrives.
      if ((e.code === 'EPIPE' || e.code === 'ECONNRESET') && !answered) {
        setTimeout(() => reject(e), 500).unref();
        return;
      }
      reject(e);
    });
    if (chunked) {
      for (const chunk of body) req.write(chunk);
      req.end();
    } else {
      req.end(body);
    }
  });
}

export interface SignOptions {
  method?: string;
  /** Request target, e.g. `/identities?api-version=2023-10-01`. */
  target: string;
  body?: string | Buffer;
  /** Defaults to application/json when there is a body; `null` sends none. */
  contentType?: string | null;
  /** Base64 access key; defaults to the connection string's. */
  accessKey?: string;
  /** x-ms-date; defaults to the target's clock, or now. */
  date?: string;
  /** Sign this body hash instead of the real one (a body altered after signing). */
  signedContentHash?: string;
  /** Replace the computed Authorization header; `null` sends none. */
  authorization?: string | null;
  headers?: Record<string, string>;
}

/** The headers of a request signed like the Azure SDKs sign it. */
export function signHeaders(t: Target, o: SignOptions): Record<string, string> {
  const url = new URL(t.info.endpoint);
  const method = o.method ?? 'POST';
  const body = o.body === undefined ? Buffer.alloc(0) : Buffer.from(o.body);
  const date = o.date ?? new Date(t.clock?.now ?? Date.now()).toUTCString();
  const signature = computeHmacSignature(
    o.accessKey ?? accessKeyOf(t.info.connectionString),
    hmacStringToSign({
      method,
      pathAndQuery: o.target,
      date,
      host: url.host,
      contentHash: o.signedContentHash ?? contentSha256(body),
    }),
  );
  const headers: Record<string, string> = {
    host: url.host,
    'x-ms-date': date,
    'x-ms-content-sha256': contentSha256(body),
  };
  if (o.authorization !== null) {
    headers.authorization =
      o.authorization ??
      `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`;
  }
  const contentType =
    o.contentType === undefined ? (body.length > 0 ? 'application/json' : null) : o.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  return { ...headers, ...(o.headers ?? {}) };
}

/** A hand-signed HTTPS request, for what the SDKs never send. */
export function signedRequest(
  t: Target,
  o: SignOptions,
  options: RawRequestOptions = {},
): Promise<RawResponse> {
  const body = o.body === undefined ? Buffer.alloc(0) : Buffer.from(o.body);
  return rawRequest(t, o.method ?? 'POST', o.target, signHeaders(t, o), body, options);
}

/** POST {token} to the verification endpoint. */
export async function verify(
  t: Target,
  token: string,
  options: RawRequestOptions = {},
): Promise<{ valid: boolean; reason?: string } & Record<string, unknown>> {
  const res = await rawRequest(
    t,
    'POST',
    '/emulator/verify-token',
    { 'content-type': 'application/json' },
    Buffer.from(JSON.stringify({ token })),
    options,
  );
  if (res.status !== 200) throw new Error(`verify-token answered ${res.status}: ${res.text}`);
  return res.json as { valid: boolean; reason?: string } & Record<string, unknown>;
}

export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
export const MAIN_JS = join(PACKAGE_DIR, 'dist', 'main.js');

export interface ChildEmulator {
  child: ChildProcess;
  info: EmulatorInfo;
  ca: string;
  /** Everything the child wrote to stdout and stderr so far. */
  output(): string;
  stderr(): string;
  /** Sends a signal and resolves with the exit code (or signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Runs the built `dist/main.js` as a child process and waits until it listens. */
export async function spawnEmulator(dataDir: string, args: string[] = []): Promise<ChildEmulator> {
  const emulator = await spawnNodeScript(
    MAIN_JS,
    ['--port', '0', '--data-dir', dataDir, '--no-rate-limits', ...args],
    { name: 'emulator', ready: (out) => (out.includes('"msg":"listening"') ? true : undefined) },
  );
  const info = readEmulatorInfo(dataDir);
  if (!info) throw new Error('emulator.json missing after start');
  const ca = info.caCertFile ? await readFile(info.caCertFile, 'utf8') : '';
  return {
    child: emulator.child,
    info,
    ca,
    output: emulator.output,
    stderr: emulator.stderr,
    stop: emulator.stop,
  };
}

export { dropSchema, pythonAzure, testDatabaseUrl } from '@acs-identity/testing';

/** A schema name unique to this test run. */
export function uniqueSchema(label: string): string {
  return sharedUniqueSchema(`acs_emu_${label}`);
}

/** The worker that served each request, learnt from the request log the workers forward to the primary. */
export class ServedBy {
  readonly #seen = new Map<string, number>();
  readonly #waiting = new Map<string, (worker: number) => void>();

  readonly logger = (entry: EmulatorClusterLogEntry): void => {
    if (entry.requestId === undefined || entry.worker === undefined) return;
    const waiter = this.#waiting.get(entry.requestId);
    if (waiter) {
      this.#waiting.delete(entry.requestId);
      waiter(entry.worker);
    } else {
      this.#seen.set(entry.requestId, entry.worker);
    }
  };

  /** Resolves with the worker pid once its log entry for `requestId` arrived (it is written after the answer). */
  worker(requestId: string | null | undefined): Promise<number> {
    if (!requestId) return Promise.reject(new Error('response without x-ms-request-id'));
    const known = this.#seen.get(requestId);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve) => this.#waiting.set(requestId, resolve));
  }
}
