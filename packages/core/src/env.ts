/**
 * Client configuration from environment variables. Node entry.
 */
import { isApiVersion } from './api-versions.js';
import type { IdentityClientOptions } from './client.js';
import { AcsIdentityError } from './errors.js';
import { API_VERSIONS, ENV } from './vocabulary.js';

/**
 * Reads client options from the environment:
 *
 * | Variable | Meaning |
 * |---|---|
 * | `AZURE_COMMUNICATION_CONNECTION_STRING` | connection string (wins over the endpoint) |
 * | `AZURE_COMMUNICATION_ENDPOINT` | endpoint, authenticated with `DefaultAzureCredential` |
 * | `ACS_IDENTITY_CA_CERT_FILE` | optional CA file to trust (local emulator) |
 * | `ACS_IDENTITY_API_VERSION` | optional api-version |
 *
 * Returns `undefined` when neither the connection string nor the endpoint is set. Empty values count as unset.
 */
export function identityClientOptionsFromEnv(
  env: Record<string, string | undefined> = process.env,
): IdentityClientOptions | undefined {
  const get = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const connectionString = get(ENV.connectionString);
  const endpoint = get(ENV.endpoint);
  if (!connectionString && !endpoint) return undefined;
  const options: IdentityClientOptions = connectionString
    ? { connectionString }
    : { endpoint: endpoint as string };
  const caCertFile = get(ENV.caCertFile);
  if (caCertFile) options.caCertFile = caCertFile;
  const apiVersion = get(ENV.apiVersion);
  if (apiVersion) {
    if (!isApiVersion(apiVersion)) {
      throw new AcsIdentityError(
        'INVALID_INPUT',
        `${ENV.apiVersion} ${JSON.stringify(apiVersion.slice(0, 40))} is not supported. Supported: ${API_VERSIONS.join(', ')}.`,
        { target: ENV.apiVersion },
      );
    }
    options.apiVersion = apiVersion;
  }
  return options;
}
