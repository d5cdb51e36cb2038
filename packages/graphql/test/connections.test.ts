// The listening gateway against clients that hold connections: a raw TCP connection that sends nothing, headers or a
// body sent a byte at a time, an idle keep-alive connection, and more connections than the cap. Each must be closed
// within its configured timeout (plus the server's checking interval), whatever the client does.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClosedConnection, heldConnection, trickle } from '@acs-identity/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, type StartGatewayOptions, startGateway } from '../src/index.js';
import { adminKey } from './helpers.js';

const dirs: string[] = [];
const running: RunningGateway[] = [];

afterAll(async () => {
  for (const gateway of running) await gateway.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function listening(options: Partial<StartGatewayOptions>): Promise<RunningGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'acs-gateway-conn-'));
  dirs.push(dataDir);
  const gateway = await startGateway({
    env: {},
    port: 0,
    dataDir,
    adminKeys: [adminKey()],
    connectionString: `endpoint=https://127.0.0.1:9/;accesskey=${Buffer.alloc(32, 3).toString('base64')}`,
    logSink: () => {},
    ...options,
  });
  running.push(gateway);
  return gateway;
}

/** Opens a raw connection, lets `drive` write to it, and resolves when the server closes it (or rejects at `deadlineMs`). */
const rawConnection = (port: number, deadlineMs: number, drive?: (socket: Socket) => void) =>
  heldConnection(() => connect(port, '127.0.0.1'), 'connect', deadlineMs, drive);

const statusLine = (closed: ClosedConnection) => closed.received.split('\r\n')[0];

describe('connections to a listening gateway', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await listening({ headersTimeoutMs: 600, requestTimeoutMs: 1200, keepAliveTimeoutMs: 300 });
  });

  it('closes a raw TCP connection that sends nothing once the headers timeout passes', async () => {
    const closed = await rawConnection(gateway.port, 4000);
    expect(closed.afterMs).toBeGreaterThanOrEqual(550);
    expect(statusLine(closed)).toBe('HTTP/1.1 408 Request Timeout');
  });

  it('closes a connection that sends its headers a line at a time', async () => {
    const closed = await rawConnection(gateway.port, 4000, (socket) =>
      trickle(socket, 'POST /graphql HTTP/1.1\r\nHost: gateway\r\n', 'x-slow: 1\r\n', 50),
    );
    expect(closed.afterMs).toBeGreaterThanOrEqual(550);
    expect(statusLine(closed)).toBe('HTTP/1.1 408 Request Timeout');
  });

  it('closes a connection that sends its body a byte at a time once the request timeout passes', async () => {
    const headers =
      'POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n';
    const closed = await rawConnection(gateway.port, 5000, (socket) => trickle(socket, headers, ' ', 50));
    expect(closed.afterMs).toBeGreaterThanOrEqual(1150);
    expect(statusLine(closed)).toBe('HTTP/1.1 408 Request Timeout');
  });

  it('closes an idle keep-alive connection after its answer', async () => {
    const closed = await rawConnection(gateway.port, 4000, (socket) =>
      socket.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\nConnection: keep-alive\r\n\r\n'),
    );
    expect(statusLine(closed)).toBe('HTTP/1.1 200 OK');
  });
});

describe('the connection cap', () => {
  it('closes connections beyond the cap at once and keeps serving the ones it holds', async () => {
    const gateway = await listening({ maxConnections: 3 });
    // Three keep-alive connections, each with an answered request, so the server surely holds them.
    const held = await Promise.all(
      Array.from(
        { length: 3 },
        () =>
          new Promise<Socket>((resolve, reject) => {
            const socket = connect(gateway.port, '127.0.0.1', () =>
              socket.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n'),
            );
            socket.once('data', () => resolve(socket));
            socket.once('error', reject);
          }),
      ),
    );
    try {
      const refused = await rawConnection(gateway.port, 3000, (socket) =>
        socket.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n'),
      );
      expect(refused.received).toBe('');
      const again = await new Promise<string>((resolve) => {
        held[0]?.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1').split('\r\n')[0] ?? ''));
        held[0]?.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n');
      });
      expect(again).toBe('HTTP/1.1 200 OK');
    } finally {
      for (const socket of held) socket.destroy();
    }
  });
});
