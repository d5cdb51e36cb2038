/**
 * The gateway deployed with no secret at all: its back end is the emulator's endpoint, authenticated by
 * DefaultAzureCredential through the emulator's managed-identity endpoint (IDENTITY_ENDPOINT + IDENTITY_HEADER), in a
 * child process configured only by environment variables, as on App Service.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningEmulator, startEmulator } from '@acs-identity/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const START = `
import { startGateway } from '@acs-identity/graphql';
const gateway = await startGateway({ port: 0, handleSignals: true });
console.log(JSON.stringify({ graphqlUrl: gateway.graphqlUrl }));
`;

let emulator: RunningEmulator;
let child: ChildProcess | undefined;
const folders: string[] = [];
const adminKey = randomBytes(32).toString('base64url');

function folder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
}

/** Starts the gateway in a child process with no access key, connection string or client secret in its environment. */
async function startKeylessGateway(): Promise<{ graphqlUrl: string; env: NodeJS.ProcessEnv }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(AZURE_|IDENTITY_|MSI_|IMDS_|ACS_IDENTITY_|GATEWAY_)/.test(name)) env[name] = value;
  }
  Object.assign(env, {
    AZURE_COMMUNICATION_ENDPOINT: emulator.info.endpoint,
    IDENTITY_ENDPOINT: emulator.info.identityEndpoint,
    IDENTITY_HEADER: emulator.info.identityHeader,
    NODE_EXTRA_CA_CERTS: emulator.info.caCertFile,
    GATEWAY_ADMIN_KEYS: adminKey,
    ACS_IDENTITY_DATA_DIR: folder('acs-gw-mi-'),
    GATEWAY_LOG_LEVEL: 'error',
  });
  const started = spawn(process.execPath, ['--input-type=module', '-e', START], { cwd: PACKAGE_DIR, env });
  child = started;
  const graphqlUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    started.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { graphqlUrl: string }).graphqlUrl);
    });
    started.stderr.on('data', (chunk: Buffer) => {
      err += chunk;
    });
    started.once('exit', (code) => reject(new Error(`gateway exited with ${code}: ${err}`)));
  });
  return { graphqlUrl, env };
}

async function admin(graphqlUrl: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as {
    data?: Record<string, { rawId?: string; token?: string }> | null;
    errors?: { extensions?: { code?: string } }[];
  };
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, dataDir: folder('acs-emu-mi-'), logger: false });
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await emulator?.close();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('a gateway with no secret (managed identity)', () => {
  it('is refused until its identity is granted access, then creates users and issues tokens', async () => {
    const { graphqlUrl, env } = await startKeylessGateway();
    const accessKey = emulator.info.connectionString.split('accesskey=')[1] ?? '';
    expect(accessKey).not.toBe('');
    expect(JSON.stringify(env)).not.toContain(accessKey);

    // The service refuses the gateway's own identity (403): an operator's problem, not the caller's.
    const refused = await admin(graphqlUrl, 'mutation { createUser { rawId } }');
    expect(refused.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');

    await emulator.assignRole(emulator.info.systemAssignedPrincipalId ?? '');
    const created = await admin(graphqlUrl, 'mutation { createUser { rawId } }');
    const rawId = created.data?.createUser?.rawId ?? '';
    expect(rawId).toMatch(new RegExp(`^8:acs:${emulator.info.resourceId}_`));
    const issued = await admin(
      graphqlUrl,
      'mutation Issue($u: ID!) { issueToken(userId: $u, scopes: [CHAT]) { token } }',
      { u: rawId },
    );
    expect(issued.data?.issueToken?.token).toMatch(/^ey/);
  });
});
