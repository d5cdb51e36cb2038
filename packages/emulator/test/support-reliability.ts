// Helpers of the reliability and security suites (bad-input, crash-safety, security): raw HTTPS requests with a
// deadline, hand-made HMAC signatures, child-process emulators whose output is kept, and a secret scanner. The
// requests are those of `support.ts`, with a deadline.
import type { Agent } from 'node:https';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';
import {
  type RawResponse,
  rawRequest,
  type SignOptions,
  signedRequest,
  type Target,
  verify,
} from './support.js';

export { accessKeyOf, findSecrets, testDatabaseUrl } from '@acs-identity/testing';
export {
  type ChildEmulator,
  type RawResponse as Answer,
  type SignOptions,
  signHeaders,
  spawnEmulator,
  type Target,
} from './support.js';

/** How long any single request may take before the test calls it a hang. */
export const REQUEST_DEADLINE_MS = 5000;

/** The service's error code of an answer (`{"error":{"code"}}`), if any. */
export function errorCodeOf(answer: RawResponse): string | undefined {
  return (answer.json as { error?: { code?: string } } | undefined)?.error?.code;
}

export function errorTargetOf(answer: RawResponse): string | undefined {
  return (answer.json as { error?: { target?: string } } | undefined)?.error?.target;
}

/** One HTTPS request ({@link rawRequest}); rejects when no complete answer arrived within {@link REQUEST_DEADLINE_MS}. */
export function send(
  t: Target,
  method: string,
  target: string,
  headers: Record<string, string>,
  body: Buffer | Buffer[] = Buffer.alloc(0),
  agent?: Agent,
): Promise<RawResponse> {
  return rawRequest(t, method, target, headers, body, withDeadline(agent));
}

/** A signed request ({@link signedRequest}) with a deadline. */
export function signed(t: Target, o: SignOptions, agent?: Agent): Promise<RawResponse> {
  return signedRequest(t, o, withDeadline(agent));
}

const withDeadline = (agent: Agent | undefined) => ({
  deadlineMs: REQUEST_DEADLINE_MS,
  ...(agent === undefined ? {} : { agent }),
});

/** A TLS connection to the emulator (SNI `localhost`, trusting its CA); `options` adds to or overrides that. */
export function connectTls(t: Target, options: ConnectionOptions = {}): TLSSocket {
  const url = new URL(t.info.endpoint);
  return tlsConnect({
    host: url.hostname,
    port: Number(url.port),
    ca: t.ca,
    servername: 'localhost',
    ...options,
  });
}

/** Bytes written on a raw TLS socket (for what node:https refuses to send); resolves with what came back. */
export function rawTls(t: Target, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectTls(t);
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

/** POST /emulator/verify-token, with a deadline. */
export function verifyToken(
  t: Target,
  token: string,
  agent?: Agent,
): Promise<{ valid: boolean; reason?: string }> {
  return verify(t, token, withDeadline(agent));
}

/** Whether the emulator still answers its health route. */
export async function healthy(t: Target): Promise<boolean> {
  const answer = await send(t, 'GET', '/emulator/health', {});
  return answer.status === 200;
}
