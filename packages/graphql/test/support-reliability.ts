// Helpers of the reliability and security suites (bad-input, security, crash-safety): a real OpenID issuer, an
// emulator plus a listening gateway whose logs are kept, raw HTTP with a deadline, and a secret scanner.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type EmulatorLogEntry,
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from '@acs-identity/emulator';
import { accessKeyOf, type OidcIssuer, type SignOptions, startOidcIssuer } from '@acs-identity/testing';
import type { JWTPayload } from 'jose';
import { type LogEntry, type RunningGateway, type StartGatewayOptions, startGateway } from '../src/index.js';
import { adminKey } from './helpers.js';

export { accessKeyOf, findSecrets } from '@acs-identity/testing';

/** How long any single request may take before the test calls it a hang. */
export const REQUEST_DEADLINE_MS = 5000;

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** One HTTP request with a deadline; the body is read as text and parsed as JSON when it is JSON. */
export async function http(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_DEADLINE_MS) });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** `errors[0].extensions.code` of a GraphQL answer, or `error.code` of a JSON error body. */
export function codeOf(answer: Answer): string | undefined {
  const body = answer.json as
    | { errors?: { extensions?: { code?: string } }[]; error?: { code?: string } }
    | undefined;
  return body?.errors?.[0]?.extensions?.code ?? body?.error?.code;
}

/** POST /emulator/verify-token of an emulator: whether it still accepts a token, and if not, why. */
export function verifyToken(
  emulator: RunningEmulator,
  token: string,
): Promise<{ valid: boolean; reason?: string }> {
  const ca = readFileSync(emulator.info.caCertFile ?? '', 'utf8');
  return new Promise((resolve, reject) => {
    const req = request(
      emulator.info.verifyTokenUrl,
      { method: 'POST', ca, headers: { 'content-type': 'application/json' }, timeout: REQUEST_DEADLINE_MS },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => resolve(JSON.parse(text) as { valid: boolean; reason?: string }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ token }));
  });
}

/** A stable GUID-shaped object id (`oid` claim) for a subject. */
export function objectIdOf(sub: string): string {
  const hex = createHash('sha256').update(sub).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The stack's OpenID provider (audience `my-app`), whose tokens are for a subject `sub` with its `oid`. */
export interface Issuer extends Omit<OidcIssuer, 'sign'> {
  /** A token of this issuer for `sub`; `claims` add to or replace its claims, for a deliberately wrong one. */
  sign(sub: string, options?: SignOptions & { claims?: JWTPayload }): Promise<string>;
}

/** A real OpenID provider on a free loopback port: discovery document and JWKS. */
export async function startIssuer(): Promise<Issuer> {
  const oidc = await startOidcIssuer();
  return {
    ...oidc,
    sign: (sub, { claims, ...options } = {}) => oidc.sign({ sub, oid: objectIdOf(sub), ...claims }, options),
  };
}

export interface Stack {
  emulator: RunningEmulator;
  gateway: RunningGateway;
  issuer: Issuer;
  adminKey: string;
  gatewayLogs: LogEntry[];
  emulatorLogs: EmulatorLogEntry[];
  /** Every answer this stack gave through {@link Stack.graphql}/{@link Stack.post}. */
  answers: Answer[];
  /** POST /graphql with a JSON body; `auth` is the bearer value. */
  graphql(query: string, variables?: Record<string, unknown>, auth?: string): Promise<Answer>;
  /** POST to a gateway path with any body and headers. */
  post(
    path: string,
    body: string | Uint8Array,
    headers?: Record<string, string>,
    method?: string,
  ): Promise<Answer>;
  /** Whether the gateway still answers an administrator's query. */
  serving(): Promise<boolean>;
  /** The secrets of this stack by label: access keys, connection string, admin key. */
  secrets(): Record<string, string>;
  close(): Promise<void>;
}

/**
 * An emulator (in-process, HTTPS; its rate limits off unless `emulatorOptions` set them) and a gateway listening on a
 * free port, with an OpenID issuer.
 */
export async function startStack(
  options: Partial<StartGatewayOptions> = {},
  emulatorOptions: Partial<EmulatorOptions> = {},
): Promise<Stack> {
  const emulatorDir = mkdtempSync(join(tmpdir(), 'acs-gw-rel-emulator-'));
  const gatewayDir = mkdtempSync(join(tmpdir(), 'acs-gw-rel-'));
  const emulatorLogs: EmulatorLogEntry[] = [];
  const gatewayLogs: LogEntry[] = [];
  const answers: Answer[] = [];
  const emulator = await startEmulator({
    port: 0,
    dataDir: emulatorDir,
    rateLimits: false,
    logger: (e) => emulatorLogs.push(e),
    ...emulatorOptions,
  });
  const issuer = await startIssuer();
  const key = options.adminKeys?.[0] ?? adminKey();
  const gateway = await startGateway({
    env: {},
    port: 0,
    dataDir: gatewayDir,
    connectionString: emulator.info.connectionString,
    caCertFile: emulator.info.caCertFile ?? '',
    adminKeys: [key],
    oidcIssuer: issuer.issuer,
    oidcAudience: 'my-app',
    rateLimitPerMinute: 0,
    logLevel: 'debug',
    logSink: (e) => gatewayLogs.push(e),
    ...options,
  });
  const post: Stack['post'] = async (path, body, headers = {}, method = 'POST') => {
    const answer = await http(new URL(path, gateway.url).toString(), {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body as BodyInit,
    });
    answers.push(answer);
    return answer;
  };
  const graphql: Stack['graphql'] = (query, variables = {}, auth) =>
    post(
      'graphql',
      JSON.stringify({ query, variables }),
      auth === undefined ? {} : { authorization: `Bearer ${auth}` },
    );
  return {
    emulator,
    gateway,
    issuer,
    adminKey: key,
    gatewayLogs,
    emulatorLogs,
    answers,
    graphql,
    post,
    async serving() {
      const answer = await graphql('{ serverTime }', {}, key);
      return answer.status === 200 && codeOf(answer) === undefined;
    },
    secrets() {
      return {
        adminKey: key,
        accessKey: accessKeyOf(emulator.info.connectionString),
        secondaryAccessKey: accessKeyOf(emulator.info.secondaryConnectionString),
        connectionString: emulator.info.connectionString,
      };
    },
    async close() {
      await gateway.close();
      await emulator.close();
      await issuer.close();
      rmSync(emulatorDir, { recursive: true, force: true });
      rmSync(gatewayDir, { recursive: true, force: true });
    },
  };
}
