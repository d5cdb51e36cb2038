/**
 * Client configuration from environment variables. Node entry.
 */
import { isApiVersion } from './api-versions.js';
import type { IdentityClientOptions } from './client.js';
import { AcsIdentityError } from './errors.js';

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
  const connectionString = get('AZURE_COMMUNICATION_CONNECTION_STRING');
  const endpoint = get('AZURE_COMMUNICATION_ENDPOINT');
  if (!connectionString && !endpoint) return undefined;
  const options: IdentityClientOptions = connectionString
    ? { connectionString }
    : { endpoint: endpoint as string };
  const caCertFile = get('ACS_IDENTITY_CA_CERT_FILE');
  if (caCertFile) options.caCertFile = caCertFile;
  const apiVersion = get('ACS_IDENTITY_API_VERSION');
  if (apiVersion) {
    if (!isApiVersion(apiVersion)) {
      throw new AcsIdentityError(
        'INVALID_INPUT',
        `ACS_IDENTITY_API_VERSION ${JSON.stringify(apiVersion.slice(0, 40))} is not supported. Supported: 2021-03-07, 2022-06-01, 2022-10-01, 2023-10-01.`,
        { target: 'ACS_IDENTITY_API_VERSION' },
      );
    }
    options.apiVersion = apiVersion;
  }
  return options;
}
