import http from 'node:http';
import https from 'node:https';
import { sendError } from './http.js';

/** Forwarding to the gateway and the emulator, and probing whether they answer. */

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  // The browser's Origin is the demo's own origin; the gateway sees a server-to-server call from the demo.
  'origin',
]);

function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
  }
  return out;
}

/** Who the server forwards to, for the error a browser gets when it does not answer. */
export interface Upstream {
  /** The error code: `GATEWAY_UNREACHABLE`, `EMULATOR_UNREACHABLE`. */
  code: string;
  /** `The gateway`, `The emulator`. */
  name: string;
}

export interface Forwarder {
  forward(req: http.IncomingMessage, res: http.ServerResponse, target: URL, upstream: Upstream): void;
  /** `up` when `url` answers `path` below 500, `down` when not, `absent` without a URL. */
  probe(url: URL | undefined, path: string): Promise<'up' | 'down' | 'absent'>;
  close(): void;
}

/** A forwarder with keep-alive connections, trusting `ca` (the emulator's CA) for HTTPS. */
export function createForwarder(ca: string | undefined): Forwarder {
  const agentHttp = new http.Agent({ keepAlive: true });
  const agentHttps = new https.Agent({ keepAlive: true, ...(ca === undefined ? {} : { ca }) });
  const request = (target: URL, options: http.RequestOptions) =>
    target.protocol === 'https:'
      ? https.request(target, { ...options, agent: agentHttps })
      : http.request(target, { ...options, agent: agentHttp });

  return {
    forward(req, res, target, upstream) {
      const out = request(target, {
        method: req.method ?? 'GET',
        headers: endToEnd(req.headers),
        timeout: 30_000,
      });
      out.on('response', (answer) => {
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(res);
      });
      out.on('timeout', () => out.destroy(new Error('timeout')));
      out.on('error', () => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        sendError(
          res,
          502,
          upstream.code,
          `${upstream.name} is not answering. Is it running? Try npm start.`,
        );
      });
      req.pipe(out);
    },
    probe(url, path) {
      if (url === undefined) return Promise.resolve('absent');
      return new Promise((done) => {
        const r = request(new URL(path, url), { method: 'GET', timeout: 3000 });
        r.on('response', (answer) => {
          answer.resume();
          done(answer.statusCode !== undefined && answer.statusCode < 500 ? 'up' : 'down');
        });
        r.on('timeout', () => r.destroy(new Error('timeout')));
        r.on('error', () => done('down'));
        r.end();
      });
    },
    close() {
      agentHttp.destroy();
      agentHttps.destroy();
    },
  };
}
