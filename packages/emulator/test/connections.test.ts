// The listening emulator against clients that hold connections (issue 17, finding 5): a raw TCP connection that sends
// nothing or its TLS handshake a byte at a time, headers or a body sent a byte at a time, an idle keep-alive connection,
// and more connections than the cap. Each must be closed within its configured timeout (plus the server's checking
// interval), whatever the client does; in one process, in the cluster's workers and over plain HTTP.
import { readFile } from 'node:fs/promises';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import { type ClosedConnection, heldConnection, trickle } from '@acs-identity/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulatorCluster, startEmulatorCluster } from '../src/cluster.js';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../src/index.js';
import { tempDir } from './support.js';

const folders: Awaited<ReturnType<typeof tempDir>>[] = [];
const running: { close(): Promise<void> }[] = [];

afterAll(async () => {
  for (const server of running) await server.close();
  for (const folder of folders) await folder.remove();
});

/** Small timeouts, so that each test waits well under a second or two. */
const QUICK = {
  handshakeTimeoutMs: 500,
  headersTimeoutMs: 600,
  requestTimeoutMs: 1200,
  keepAliveTimeoutMs: 300,
} satisfies EmulatorOptions;

async function listening(options: EmulatorOptions): Promise<{ emulator: RunningEmulator; ca: string }> {
  const folder = await tempDir('acs-emulator-conn-');
  folders.push(folder);
  const emulator = await startEmulator({ port: 0, dataDir: folder.path, logger: false, ...options });
  running.push(emulator);
  const ca = emulator.info.caCertFile ? await readFile(emulator.info.caCertFile, 'utf8') : '';
  return { emulator, ca };
}

const tcp = (port: number, deadlineMs: number, drive?: (socket: Socket) => void) =>
  heldConnection(() => connectTcp(port, '127.0.0.1'), 'connect', deadlineMs, drive);

const overTls = (port: number, ca: string, deadlineMs: number, drive?: (socket: TLSSocket) => void) =>
  heldConnection(() => connectTls({ port, host: '127.0.0.1', ca }), 'secureConnect', deadlineMs, drive);

const statusLine = (closed: ClosedConnection) => closed.received.split('\r\n')[0];
const errorCode = (closed: ClosedConnection) =>
  (JSON.parse(closed.received.slice(closed.received.indexOf('\r\n\r\n') + 4)) as { error: { code: string } })
    .error.code;

const HEALTH = 'GET /emulator/health HTTP/1.1\r\nHost: emulator\r\n';

describe('connections to a listening emulator', () => {
  let port: number;
  let ca: string;

  beforeAll(async () => {
    const started = await listening(QUICK);
    port = started.emulator.info.port;
    ca = started.ca;
  });

  it('closes a raw TCP connection that never starts TLS once the handshake timeout passes', async () => {
    const closed = await tcp(port, 4000);
    expect(closed.afterMs).toBeGreaterThanOrEqual(450);
    expect(closed.received).toBe('');
  });

  it('closes a connection that sends its TLS handshake a byte at a time', async () => {
    // A TLS record header of a handshake message, then one byte of it every 50 ms.
    const closed = await tcp(port, 4000, (socket) =>
      trickle(socket, Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]), Buffer.from([0x01]), 50),
    );
    expect(closed.afterMs).toBeGreaterThanOrEqual(450);
    expect(closed.received).toBe('');
  });

  it('closes a connection that speaks plain HTTP to the TLS port at once', async () => {
    const closed = await tcp(port, 4000, (socket) => socket.write(`${HEALTH}\r\n`));
    expect(closed.afterMs).toBeLessThan(450);
    expect(closed.received).toBe('');
  });

  it('closes a TLS connection that sends nothing once the headers timeout passes, with a 408', async () => {
    const closed = await overTls(port, ca, 4000);
    expect(closed.afterMs).toBeGreaterThanOrEqual(550);
    expect(statusLine(closed)).toBe('HTTP/1.1 408 Request Timeout');
    expect(errorCode(closed)).toBe('RequestTimeout');
  });

  it('closes a connection that sends its headers a line at a time', async () => {
    const closed = await overTls(port, ca, 4000, (socket) => trickle(socket, HEALTH, 'x-slow: 1\r\n', 50));
    expect(closed.afterMs).toBeGreaterThanOrEqual(550);
    expect(statusLine(closed)).toBe('HTTP/1.1 408 Request Timeout');
  });

  it('closes a connection that sends its body a byte at a time once the request timeout passes', async () => {
    const headers =
      'POST /emulator/verify-token HTTP/1.1\r\nHost: emulator\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n';
    const closed = await overTls(port, ca, 5000, (socket) => trickle(socket, headers, ' ', 50));
    expect(closed.afterMs).toBeGreaterThanOrEqual(1150);
    expect(statusLine(closed)).toBe('HTTP/1.1 408 Request Timeout');
    expect(errorCode(closed)).toBe('RequestTimeout');
  });

  it('closes an idle keep-alive connection after its answer', async () => {
    const closed = await overTls(port, ca, 4000, (socket) =>
      socket.write(`${HEALTH}Connection: keep-alive\r\n\r\n`),
    );
    expect(statusLine(closed)).toBe('HTTP/1.1 200 OK');
  });
});

/** A TLS connection that has been answered once, so that the server surely holds it. */
function answeredConnection(port: number, ca: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connectTls({ port, host: '127.0.0.1', ca }, () => socket.write(`${HEALTH}\r\n`));
    socket.once('data', () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('the connection cap', () => {
  it('closes connections beyond the cap at once and keeps serving the ones it holds', async () => {
    const { emulator, ca } = await listening({ maxConnections: 3 });
    const port = emulator.info.port;
    const kept = await Promise.all(Array.from({ length: 3 }, () => answeredConnection(port, ca)));
    try {
      const refused = await tcp(port, 3000);
      expect(refused.afterMs).toBeLessThan(1000);
      expect(refused.received).toBe('');
      const again = await new Promise<string>((resolve) => {
        kept[0]?.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1').split('\r\n')[0] ?? ''));
        kept[0]?.write(`${HEALTH}\r\n`);
      });
      expect(again).toBe('HTTP/1.1 200 OK');
    } finally {
      for (const socket of kept) socket.destroy();
    }
  });
});

describe('over plain HTTP', () => {
  it('closes a connection that sends nothing once the headers timeout passes, with a 408', async () => {
    const { emulator } = await listening({ ...QUICK, tls: false });
    const closed = await tcp(emulator.info.port, 4000);
    expect(closed.afterMs).toBeGreaterThanOrEqual(550);
    expect(statusLine(closed)).toBe('HTTP/1.1 408 Request Timeout');
  });
});

describe('in the cluster', () => {
  let cluster: RunningEmulatorCluster;
  let ca: string;

  beforeAll(async () => {
    // One cluster for both tests: two clusters of one primary process listening on port 0 would share one port.
    const folder = await tempDir('acs-emulator-conn-cluster-');
    folders.push(folder);
    cluster = await startEmulatorCluster({
      port: 0,
      dataDir: folder.path,
      workers: 2,
      logger: false,
      handleSignals: false,
      maxConnections: 1,
      ...QUICK,
    });
    running.push(cluster);
    ca = await readFile(cluster.info.caCertFile ?? '', 'utf8');
  });

  it('each worker closes a raw TCP connection that never starts TLS once the handshake timeout passes', async () => {
    // Connections are handed to the workers in turn: two at once reach both.
    const closed = await Promise.all([tcp(cluster.info.port, 4000), tcp(cluster.info.port, 4000)]);
    for (const c of closed) {
      expect(c.afterMs).toBeGreaterThanOrEqual(450);
      expect(c.received).toBe('');
    }
  });

  it("closes connections beyond each worker's cap at once and keeps serving the ones they hold", async () => {
    const port = cluster.info.port;
    // One held connection per worker (the cap is 1 each): both are full.
    const kept = [await answeredConnection(port, ca), await answeredConnection(port, ca)];
    try {
      const refused = await tcp(port, 3000);
      expect(refused.afterMs).toBeLessThan(1000);
      expect(refused.received).toBe('');
      for (const socket of kept) {
        const again = await new Promise<string>((resolve) => {
          socket.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1').split('\r\n')[0] ?? ''));
          socket.write(`${HEALTH}\r\n`);
        });
        expect(again).toBe('HTTP/1.1 200 OK');
      }
    } finally {
      for (const socket of kept) socket.destroy();
    }
  });
});
