// Helpers of the reliability and security suites (bad-input, crash-safety, security): raw HTTPS requests with a
// deadline, hand-made HMAC signatures, child-process emulators whose output is kept, and a secret scanner.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { type Agent, request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { computeHmacSignature, contentSha256 } from '@acs-identity/core/node';
import type { EmulatorInfo } from '../src/index.js';
import { readEmulatorInfo } from '../src/index.js';

/** How long any single request may take before the test calls it a hang. */
export const REQUEST_DEADLINE_MS = 5000;

export interface Target {
  info: Pick<EmulatorInfo, 'endpoint' | 'connectionString'>;
  ca: string;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/** The service's error code of an answer (`{"error":{"code"}}`), if any. */
export function errorCodeOf(answer: Answer): string | undefined {
  return (answer.json as { error?: { code?: string } } | undefined)?.error?.code;
}

export function errorTargetOf(answer: Answer): string | undefined {
  return (answer.json as { error?: { target?: string } } | undefined)?.error?.target;
}

export function accessKeyOf(connectionString: string): string {
  const key = /accesskey=([^;]+)/i.exec(connectionString)?.[1];
  if (key === undefined) throw new Error('connection string without accesskey');
  return key;
}

/**
 * One HTTPS request; `body` may be a Buffer or, for a body sent in chunks without Content-Length, an array of
 * Buffers. Rejects when no complete answer arrived within {@link REQUEST_DEADLINE_MS}.
 */
export function send(
  t: Target,
  method: string,
  target: string,
  headers: Record<string, string>,
  body: Buffer | Buffer[] = Buffer.alloc(0),
  agent?: Agent,
): Promise<Answer> {
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
        agent: agent ?? false,
        timeout: REQUEST_DEADLINE_MS,
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
      req.destroy(new Error(`no answer to ${method} ${target.slice(0, 80)} in ${REQUEST_DEADLINE_MS} ms`)),
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
  target: string;
  body?: string | Buffer;
  /** Defaults to application/json when there is a body; `null` sends none. */
  contentType?: string | null;
  /** Base64 access key; defaults to the connection string's. */
  accessKey?: string;
  /** x-ms-date; defaults to now. */
  date?: string;
  /** Sign this body hash instead of the real one. */
  signedContentHash?: string;
  /** Replace the computed Authorization header. */
  authorization?: string | null;
  headers?: Record<string, string>;
}

/** The headers of a request signed like the Azure SDKs sign it. */
export function signHeaders(t: Target, o: SignOptions): Record<string, string> {
  const url = new URL(t.info.endpoint);
  const method = o.method ?? 'POST';
  const body = o.body === undefined ? Buffer.alloc(0) : Buffer.from(o.body);
  const date = o.date ?? new Date().toUTCString();
  const hash = o.signedContentHash ?? contentSha256(body);
  const signature = computeHmacSignature(
    o.accessKey ?? accessKeyOf(t.info.connectionString),
    `${method}\n${o.target}\n${date};${url.host};${hash}`,
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

/** A signed request. */
export function signed(t: Target, o: SignOptions, agent?: Agent): Promise<Answer> {
  const body = o.body === undefined ? Buffer.alloc(0) : Buffer.from(o.body);
  return send(t, o.method ?? 'POST', o.target, signHeaders(t, o), body, agent);
}

/** Bytes written on a raw TLS socket (for what node:https refuses to send); resolves with what came back. */
export function rawTls(t: Target, bytes: string | Buffer): Promise<string> {
  const url = new URL(t.info.endpoint);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: url.hostname,
      port: Number(url.port),
      ca: t.ca,
      servername: 'localhost',
    });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`raw request got no complete answer in ${REQUEST_DEADLINE_MS} ms`));
    }, REQUEST_DEADLINE_MS);
    socket.on('secureConnect', () => socket.write(bytes));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (e) => {
      clearTimeout(timer);
      if (chunks.length > 0) resolve(Buffer.concat(chunks).toString('utf8'));
      else reject(e);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

export const API = 'api-version=2023-10-01';

/** Creates an identity with a signed request and returns its raw id (and token when scopes are given). */
export async function createIdentity(
  t: Target,
  scopes?: string[],
  agent?: Agent,
): Promise<{ id: string; token?: string }> {
  const body = scopes === undefined ? undefined : JSON.stringify({ createTokenWithScopes: scopes });
  const answer = await signed(
    t,
    { target: `/identities?${API}`, ...(body === undefined ? {} : { body }) },
    agent,
  );
  if (answer.status !== 201) throw new Error(`create answered ${answer.status}: ${answer.text}`);
  const json = answer.json as { identity: { id: string }; accessToken?: { token: string } };
  return { id: json.identity.id, ...(json.accessToken ? { token: json.accessToken.token } : {}) };
}

/** POST /emulator/verify-token. */
export async function verifyToken(
  t: Target,
  token: string,
  agent?: Agent,
): Promise<{ valid: boolean; reason?: string }> {
  const answer = await send(
    t,
    'POST',
    '/emulator/verify-token',
    { 'content-type': 'application/json' },
    Buffer.from(JSON.stringify({ token })),
    agent,
  );
  if (answer.status !== 200) throw new Error(`verify-token answered ${answer.status}: ${answer.text}`);
  return answer.json as { valid: boolean; reason?: string };
}

/** Whether the emulator still answers its health route. */
export async function healthy(t: Target): Promise<boolean> {
  const answer = await send(t, 'GET', '/emulator/health', {});
  return answer.status === 200;
}

/**
 * Every secret in `secrets` (at least 8 characters) that appears in `text`, shown by its label. Also looks for the
 * base64url and percent-encoded forms of each.
 */
export function findSecrets(text: string, secrets: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [label, secret] of Object.entries(secrets)) {
    if (secret.length < 8) continue;
    const forms = [
      secret,
      encodeURIComponent(secret),
      secret.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
    ];
    if (forms.some((f) => text.includes(f))) found.push(label);
  }
  return found;
}

export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
export const MAIN_JS = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export interface EmulatorChild {
  child: ChildProcess;
  info: EmulatorInfo;
  ca: string;
  /** Everything the child wrote to stdout and stderr so far. */
  output(): string;
  kill(signal: NodeJS.Signals): Promise<number | string>;
}

/** Runs the built `dist/main.js` as a child process; resolves once it listens. */
export async function spawnEmulatorChild(dataDir: string, args: string[] = []): Promise<EmulatorChild> {
  if (!existsSync(MAIN_JS))
    throw new Error(`${MAIN_JS} is missing: run npm run build in packages/emulator first.`);
  const child = spawn(
    process.execPath,
    [MAIN_JS, '--port', '0', '--data-dir', dataDir, '--no-rate-limits', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not listen in 20 s: ${out}`)), 20_000);
    const check = () => {
      if (out.includes('"msg":"listening"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${code} before listening: ${out}`));
    });
  });
  const info = readEmulatorInfo(dataDir);
  if (!info) throw new Error('emulator.json missing after start');
  const ca = info.caCertFile ? readFileSync(info.caCertFile, 'utf8') : '';
  return {
    child,
    info,
    ca,
    output: () => out,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export { testDatabaseUrl } from '@acs-identity/testing';
