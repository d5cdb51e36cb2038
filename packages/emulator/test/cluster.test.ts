import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulatorCluster, startEmulatorCluster } from '../src/cluster.js';
import { readEmulatorInfo } from '../src/discovery.js';
import { isEmulatorError } from '../src/errors.js';
import { PACKAGE_DIR, ServedBy, tempDir } from './support.js';

const CLUSTER_JS = join(PACKAGE_DIR, 'dist', 'cluster.js');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One keep-alive connection: everything sent through it is served by the worker that accepted it. */
interface Connection {
  agent: Agent;
  client: CommunicationIdentityClient;
  /** The worker that served the last SDK call (read through `onResponse`). */
  lastRequestId: string | undefined;
}

let dir: Awaited<ReturnType<typeof tempDir>>;
let emulatorCluster: RunningEmulatorCluster;
let ca: string;
const servedBy = new ServedBy();
const connections: Connection[] = [];
const signalListeners = process.listenerCount('SIGTERM');

function connect(): Connection {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca });
  const client = new CommunicationIdentityClient(emulatorCluster.info.connectionString, {
    agent,
    retryOptions: { maxRetries: 0 },
  });
  const connection: Connection = { agent, client, lastRequestId: undefined };
  connections.push(connection);
  return connection;
}

/** Options for one SDK call that record which request it was. */
function track(c: Connection) {
  return {
    onResponse: (response: { headers: { get(name: string): string | undefined } }) => {
      c.lastRequestId = response.headers.get('x-ms-request-id');
    },
  };
}

/** A raw HTTPS call over the connection's socket: `{status, json, worker}`. */
function call(
  c: Connection,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown>; worker: Promise<number> }> {
  const url = new URL(emulatorCluster.info.endpoint);
  const payload = body === undefined ? '' : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        agent: c.agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
        });
        res.on('end', () => {
          const requestId = res.headers['x-ms-request-id'];
          resolve({
            status: res.statusCode ?? 0,
            json: JSON.parse(text) as Record<string, unknown>,
            worker: servedBy.worker(typeof requestId === 'string' ? requestId : undefined),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function verifyOn(c: Connection, token: string) {
  const res = await call(c, 'POST', '/emulator/verify-token', { token });
  return { verdict: res.json, worker: await res.worker };
}

beforeAll(async () => {
  dir = await tempDir('acs-emulator-cluster-');
  emulatorCluster = await startEmulatorCluster({
    workers: 2,
    port: 0,
    dataDir: dir.path,
    rateLimits: false,
    handleSignals: false,
    logger: servedBy.logger,
  });
  ca = await readFile(emulatorCluster.info.caCertFile ?? '', 'utf8');
  // Connections are handed out round-robin: two connections in a row land on the two workers.
  for (let i = 0; i < 2; i += 1) {
    const c = connect();
    await (await call(c, 'GET', '/emulator/health')).worker;
  }
});

afterAll(async () => {
  for (const c of connections) c.agent.destroy();
  await emulatorCluster?.close();
  await dir?.remove();
});

describe('the emulator on several processes (startEmulatorCluster)', () => {
  it('serves one endpoint from two worker processes and names the primary in emulator.json', async () => {
    const { info, infoFile, workerPids } = emulatorCluster;
    expect(workerPids).toHaveLength(2);
    expect(workerPids).not.toContain(process.pid);
    expect(info.pid).toBe(process.pid);
    expect(infoFile).toBe(join(dir.path, 'emulator.json'));
    expect(readEmulatorInfo(dir.path)).toEqual(info);
    const served = [];
    for (const c of connections) {
      const health = await call(c, 'GET', '/emulator/health');
      expect(health.status).toBe(200);
      served.push(await health.worker);
    }
    expect(new Set(served)).toEqual(new Set(workerPids));
  });

  it('agrees across workers on identities, signing keys and revocations (the real SDK)', async () => {
    const [onA, onB] = connections;
    if (!onA || !onB) throw new Error('beforeAll opens one connection per worker');
    const workerA = await (await call(onA, 'GET', '/emulator/health')).worker;
    const workerB = await (await call(onB, 'GET', '/emulator/health')).worker;
    expect(workerA).not.toBe(workerB);

    const jwksA = await call(onA, 'GET', '/emulator/jwks.json');
    const jwksB = await call(onB, 'GET', '/emulator/jwks.json');
    expect(jwksA.json).toEqual(jwksB.json);

    // Created and issued by worker A; the identity is known to worker B, which issues a token for it too.
    const { user, token: tokenFromA } = await onA.client.createUserAndToken(['chat'], track(onA));
    expect(await servedBy.worker(onA.lastRequestId)).toBe(workerA);
    const { token: tokenFromB } = await onB.client.getToken(user, ['voip'], track(onB));
    expect(await servedBy.worker(onB.lastRequestId)).toBe(workerB);
    for (const token of [tokenFromA, tokenFromB]) {
      for (const c of [onA, onB]) {
        expect((await verifyOn(c, token)).verdict).toMatchObject({
          valid: true,
          identity: user.communicationUserId,
        });
      }
    }

    // Revoked through worker B: worker A reports both tokens revoked as well.
    await onB.client.revokeTokens(user, track(onB));
    expect(await servedBy.worker(onB.lastRequestId)).toBe(workerB);
    for (const token of [tokenFromA, tokenFromB]) {
      const onWorkerA = await verifyOn(onA, token);
      const onWorkerB = await verifyOn(onB, token);
      expect([onWorkerA.worker, onWorkerB.worker]).toEqual([workerA, workerB]);
      expect(onWorkerA.verdict).toMatchObject({ valid: false, reason: 'revoked' });
      expect(onWorkerB.verdict).toMatchObject({ valid: false, reason: 'revoked' });
    }

    // A token issued by worker A after the revoke is valid on worker B; a delete on B is seen by A.
    const { token: fresh } = await onA.client.getToken(user, ['chat'], track(onA));
    expect(await servedBy.worker(onA.lastRequestId)).toBe(workerA);
    expect((await verifyOn(onB, fresh)).verdict).toMatchObject({ valid: true });
    await onB.client.deleteUser(user);
    await expect(onA.client.getToken(user, ['chat'])).rejects.toMatchObject({
      statusCode: 404,
      code: 'IdentityNotFound',
    });
  });

  it('rejects options it cannot honour before starting a process', async () => {
    const attempts = [
      startEmulatorCluster({ workers: 0, dataDir: dir.path }),
      startEmulatorCluster({ workers: 1.5, dataDir: dir.path }),
      startEmulatorCluster({ dataDir: dir.path, now: () => 0 } as Parameters<typeof startEmulatorCluster>[0]),
      startEmulatorCluster({ dataDir: dir.path, port: -1 }),
    ];
    for (const attempt of attempts) {
      const error = await attempt.catch((e: unknown) => e);
      expect(isEmulatorError(error) && error.code).toBe('INVALID_OPTIONS');
    }
    expect((await attempts[2]?.catch((e: Error) => e.message)) ?? '').toMatch(/clock cannot be used/);
  });

  it('fails with the error of the workers when the port is taken and publishes nothing', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    const busyDir = await tempDir('acs-emulator-cluster-busy-');
    try {
      const error = await startEmulatorCluster({
        workers: 2,
        port,
        dataDir: busyDir.path,
        logger: false,
        handleSignals: false,
      }).catch((e: unknown) => e);
      expect(isEmulatorError(error) && error.code).toBe('PORT_IN_USE');
      expect((error as Error).message).toContain(`Port ${port} on 127.0.0.1 is in use`);
      expect(existsSync(join(busyDir.path, 'emulator.json'))).toBe(false);
      expect(process.listenerCount('SIGTERM')).toBe(signalListeners);
    } finally {
      taken.close();
      await busyDir.remove();
    }
  });

  it('stops every worker and removes emulator.json on close', async () => {
    const pids = emulatorCluster.workerPids;
    await emulatorCluster.close();
    expect(pids.map(alive)).toEqual([false, false]);
    expect(emulatorCluster.workerPids).toEqual([]);
    expect(existsSync(join(dir.path, 'emulator.json'))).toBe(false);
    await emulatorCluster.close(); // idempotent
  });
});

describe('a cluster primary receiving a signal', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'on %s stops its workers, removes emulator.json and exits with code 0',
    async (signal) => {
      const signalDir = await tempDir('acs-emulator-cluster-signal-');
      let child: ReturnType<typeof spawn> | undefined;
      try {
        const script = `
        const { startEmulatorCluster } = await import(${JSON.stringify(CLUSTER_JS)});
        const c = await startEmulatorCluster({ workers: 2, port: 0, dataDir: process.argv[1], logger: false });
        process.stdout.write(JSON.stringify({ workers: c.workerPids }) + '\\n');`;
        const started = spawn(process.execPath, ['--input-type=module', '-e', script, signalDir.path], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child = started;
        let stderr = '';
        started.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
        });
        const exited = new Promise<number | null>((resolve) => started.on('exit', (code) => resolve(code)));
        const workers = await new Promise<number[]>((resolve, reject) => {
          started.stdout.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString('utf8')).workers));
          exited.then(() => reject(new Error(`the cluster exited before it listened: ${stderr}`)));
        });
        expect(readEmulatorInfo(signalDir.path)?.pid).toBe(started.pid);
        started.kill(signal);
        expect(await exited).toBe(0);
        expect(workers.map(alive)).toEqual([false, false]);
        expect(existsSync(join(signalDir.path, 'emulator.json'))).toBe(false);
      } finally {
        // A failed expectation must not leave the cluster running (its workers end with it).
        if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await signalDir.remove();
      }
    },
  );
});
