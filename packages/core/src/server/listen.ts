/**
 * The one way a server of this project starts listening: `listen()` resolves with the bound address, or rejects with an
 * {@link AcsIdentityError} whose code a caller can read (`PORT_IN_USE`, `INVALID_OPTIONS`) instead of parsing messages.
 *
 * Node only.
 */
import type { AddressInfo, Server } from 'node:net';
import { AcsIdentityError } from '../errors.js';

/** Where and as what a server listens. */
export interface ListenOptions {
  /** The port; `0` picks a free one. */
  port: number;
  /** The interface, e.g. `127.0.0.1` or `::`. */
  host: string;
  /** What is listening, for the message: `the emulator`, `the gateway`. @default 'the server' */
  name?: string;
  /** How the user changes the port, for the message: `--port or GATEWAY_PORT`. @default 'another port' */
  portHint?: string;
}

/** What `listen()` resolves with. */
export interface ListeningAddress {
  port: number;
  host: string;
  /** `host:port` as a URL authority (IPv6 hosts in brackets). */
  authority: string;
}

/**
 * Listens on `options.host:options.port`. Rejects with `PORT_IN_USE` when the port is taken and `INVALID_OPTIONS` when
 * the host cannot be bound (not an address of this machine, a privileged port, a bad name); the Node error is the `cause`.
 */
export function listen(server: Server, options: ListenOptions): Promise<ListeningAddress> {
  const name = options.name ?? 'the server';
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(listenError(e, options, name));
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address() as AddressInfo;
      const host = options.host;
      resolve({
        port: address.port,
        host,
        authority: `${host.includes(':') ? `[${host}]` : host}:${address.port}`,
      });
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options.port, options.host);
  });
}

function listenError(e: NodeJS.ErrnoException, options: ListenOptions, name: string): AcsIdentityError {
  const where = `${options.host}:${options.port}`;
  if (e.code === 'EADDRINUSE') {
    return new AcsIdentityError(
      'PORT_IN_USE',
      `Port ${options.port} on ${options.host} is in use, so ${name} cannot listen there. Stop what uses it, or choose ${options.portHint ?? 'another port'} (0 picks a free one).`,
      { cause: e, target: 'port' },
    );
  }
  const why =
    e.code === 'EACCES'
      ? 'permission denied (ports below 1024 need privileges)'
      : e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN'
        ? 'the host is not an address of this machine'
        : (e.code ?? e.message);
  return new AcsIdentityError('INVALID_OPTIONS', `${name} cannot listen on ${where}: ${why}.`, {
    cause: e,
    target: e.code === 'EACCES' ? 'port' : 'host',
  });
}
