/**
 * The emulator's server: `node:https` (or `node:http` with `tls: false`) over the request handler, with the connection
 * limits of the options, listening through core's `listen`. A client cannot hold a connection longer than the limits
 * allow, whatever it sends or does not send:
 *
 *   - a TLS handshake (or a connection that never starts one) gets `handshakeTimeoutMs` from when it opens;
 *   - the headers of a request get `headersTimeoutMs`, the whole request `requestTimeoutMs` (408, then closed);
 *   - an idle keep-alive connection is closed `keepAliveTimeoutMs` after its last answer;
 *   - past `maxConnections` open connections, new ones are closed as they arrive.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { listen } from '@acs-identity/core/server';
import type { TlsMaterial } from './certificates.js';
import { toEmulatorError } from './errors.js';
import type { NormalizedOptions } from './options.js';
import { answerClientError } from './reply.js';

/**
 * Closes connections beyond `max` as they arrive. Counted here rather than with `server.maxConnections`, which a
 * cluster worker does not apply as documented: a connection the worker refuses goes back to the primary, which holds
 * it open (or hands it to another worker) instead of closing it.
 */
function capConnections(server: Server, max: number): void {
  let open = 0;
  server.prependListener('connection', (socket: Socket) => {
    if (open >= max) {
      socket.destroy();
      return;
    }
    open += 1;
    socket.once('close', () => {
      open -= 1;
    });
  });
}

/** A server for the handler, listening on the options' host and port; `PORT_IN_USE` when the port is taken. */
export async function serve(
  o: NormalizedOptions,
  tls: TlsMaterial | undefined,
  handleRequest: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ server: Server; port: number }> {
  const limits = {
    headersTimeout: o.headersTimeoutMs,
    requestTimeout: o.requestTimeoutMs,
    keepAliveTimeout: o.keepAliveTimeoutMs,
    // How often Node looks for requests past those timeouts (its default, 30 s, would hold a silent one 40 s).
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(o.headersTimeoutMs / 4))),
  };
  const server = tls
    ? createHttpsServer(
        {
          key: tls.keyPem,
          cert: tls.certPem,
          minVersion: 'TLSv1.2',
          handshakeTimeout: o.handshakeTimeoutMs,
          ...limits,
        },
        handleRequest,
      )
    : createHttpServer(limits, handleRequest);
  capConnections(server, o.maxConnections);
  server.on('clientError', answerClientError);
  try {
    const address = await listen(server, {
      port: o.port,
      host: o.host,
      name: 'the emulator',
      portHint: '--port or EMULATOR_PORT',
    });
    return { server, port: address.port };
  } catch (e) {
    throw toEmulatorError(e);
  }
}
