import type { Socket } from 'node:net';

/** How a held connection ended: when the server closed it, and what it had sent by then. */
export interface ClosedConnection {
  /** Milliseconds from opening to the server's close. */
  afterMs: number;
  /** Everything the server sent, as latin1 text. */
  received: string;
}

/**
 * Opens a connection (`open`: a TCP or TLS socket), lets `drive` write to it once connected (`connectedEvent`:
 * `connect`, or `secureConnect` once a TLS handshake is done), and resolves when the server closes it, or rejects at
 * `deadlineMs`: how the suites hold a server to its connection timeouts with a client that misbehaves.
 */
export function heldConnection<S extends Socket>(
  open: () => S,
  connectedEvent: 'connect' | 'secureConnect',
  deadlineMs: number,
  drive: (socket: S) => void = () => {},
): Promise<ClosedConnection> {
  return new Promise<ClosedConnection>((resolve, reject) => {
    const started = performance.now();
    const socket = open();
    let received = '';
    const deadline = setTimeout(() => {
      socket.destroy();
      reject(new Error(`still open after ${deadlineMs} ms`));
    }, deadlineMs);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(deadline);
      resolve({ afterMs: performance.now() - started, received });
    });
    socket.once(connectedEvent, () => drive(socket));
  });
}

/** Writes `first`, then `piece` every `everyMs` until the socket closes: a client sending a byte at a time. */
export function trickle(
  socket: Socket,
  first: string | Buffer,
  piece: string | Buffer,
  everyMs: number,
): void {
  socket.write(first);
  const timer = setInterval(() => {
    if (socket.writable) socket.write(piece);
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}
