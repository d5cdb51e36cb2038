import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * What the gateway needs from the ACS Identity back end. `@acs-identity/core/node`'s `IdentityClient` satisfies it;
 * tests and embedders may pass their own.
 */
export interface IdentityBackend {
  readonly endpoint: string;
  createUser(): Promise<{ rawId: string }>;
  createUserAndToken(
    scopes: readonly string[],
    options?: { expiresInMinutes?: number },
  ): Promise<{ rawId: string; token: string; expiresOn: Date }>;
  issueToken(
    userId: string,
    scopes: readonly string[],
    options?: { expiresInMinutes?: number },
  ): Promise<{ token: string; expiresOn: Date }>;
  revokeTokens(userId: string): Promise<void>;
  deleteUser(userId: string): Promise<void>;
  exchangeTeamsToken(input: { aadToken: string; appId: string; userId: string }): Promise<{
    token: string;
    expiresOn: Date;
  }>;
}

/**
 * Resolves when the back end's endpoint answers HTTP at all (any status: the service answers 401 to an unsigned
 * request). Used by `/readyz`; never sends credentials.
 */
export function probeEndpoint(
  endpoint: string,
  caCertFile: string | undefined,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const url = new URL(endpoint);
    const options = {
      method: 'GET',
      timeout: timeoutMs,
      ...(caCertFile === undefined ? {} : { ca: readFileSync(caCertFile) }),
    };
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (res) => {
      res.resume();
      resolve();
    });
    req.on('timeout', () =>
      req.destroy(new Error(`The identity service at ${url.origin} did not answer in ${timeoutMs} ms.`)),
    );
    req.on('error', reject);
    req.end();
  });
}
