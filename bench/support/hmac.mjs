// Signs a request the way the Azure SDKs do for a connection string (HMAC-SHA256, see the service reference, section 4).
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';

export function parseConnectionString(connectionString) {
  const parts = Object.fromEntries(
    connectionString
      .split(';')
      .filter(Boolean)
      .map((p) => {
        const i = p.indexOf('=');
        return [p.slice(0, i).toLowerCase(), p.slice(i + 1)];
      }),
  );
  return { endpoint: new URL(parts.endpoint), key: Buffer.from(parts.accesskey, 'base64') };
}

/** Headers for one signed request; `host` is what the Host header will say. */
export function signedHeaders({ key, method, pathAndQuery, host, body }) {
  const date = new Date().toUTCString();
  const contentHash = createHash('sha256').update(body).digest('base64');
  const stringToSign = `${method}\n${pathAndQuery}\n${date};${host};${contentHash}`;
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('base64');
  return {
    host,
    'x-ms-date': date,
    'x-ms-content-sha256': contentHash,
    authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
    'content-type': 'application/json',
  };
}

/**
 * One signed request to the emulator of `info` (its emulator.json): resolves with the status and the parsed JSON body.
 * Through `agent` when given (it must trust the emulator's CA), else a new connection trusting `info.caCertFile`;
 * with `deadlineMs`, rejects when no answer came in time.
 */
export function signedRequest(info, method, pathAndQuery, bodyObject, { agent, deadlineMs } = {}) {
  const { endpoint, key } = parseConnectionString(info.connectionString);
  const body = bodyObject === undefined ? '' : JSON.stringify(bodyObject);
  const headers = signedHeaders({ key, method, pathAndQuery, host: endpoint.host, body });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: endpoint.hostname,
        port: endpoint.port,
        method,
        path: pathAndQuery,
        headers,
        ...(agent ? { agent } : { ca: readFileSync(info.caCertFile) }),
        ...(deadlineMs === undefined ? {} : { timeout: deadlineMs }),
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer in ${deadlineMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
