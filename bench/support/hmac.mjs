// Signs a request the way the Azure SDKs do for a connection string (HMAC-SHA256, see the service reference, section 4).
import { createHash, createHmac } from 'node:crypto';

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
