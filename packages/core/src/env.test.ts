import { describe, expect, it } from 'vitest';
import { identityClientOptionsFromEnv } from './env.js';

const CS = 'endpoint=https://contoso.communication.azure.com/;accesskey=a2V5';

describe('identityClientOptionsFromEnv', () => {
  it('returns undefined when nothing is configured', () => {
    expect(identityClientOptionsFromEnv({})).toBeUndefined();
    expect(
      identityClientOptionsFromEnv({
        AZURE_COMMUNICATION_CONNECTION_STRING: ' ',
        AZURE_COMMUNICATION_ENDPOINT: '',
      }),
    ).toBeUndefined();
  });

  it('prefers the connection string', () => {
    expect(
      identityClientOptionsFromEnv({
        AZURE_COMMUNICATION_CONNECTION_STRING: CS,
        AZURE_COMMUNICATION_ENDPOINT: 'https://other/',
      }),
    ).toEqual({ connectionString: CS });
  });

  it('uses the endpoint with the default credential', () => {
    expect(
      identityClientOptionsFromEnv({
        AZURE_COMMUNICATION_ENDPOINT: 'https://contoso.communication.azure.com/',
      }),
    ).toEqual({
      endpoint: 'https://contoso.communication.azure.com/',
    });
  });

  it('reads the optional CA file and api-version', () => {
    expect(
      identityClientOptionsFromEnv({
        AZURE_COMMUNICATION_CONNECTION_STRING: CS,
        ACS_IDENTITY_CA_CERT_FILE: '/data/ca.pem',
        ACS_IDENTITY_API_VERSION: '2022-10-01',
      }),
    ).toEqual({ connectionString: CS, caCertFile: '/data/ca.pem', apiVersion: '2022-10-01' });
  });

  it('rejects an unknown api-version naming the variable', () => {
    expect(() =>
      identityClientOptionsFromEnv({
        AZURE_COMMUNICATION_CONNECTION_STRING: CS,
        ACS_IDENTITY_API_VERSION: '2020-01-01',
      }),
    ).toThrowError(/ACS_IDENTITY_API_VERSION "2020-01-01" is not supported/);
  });

  it('reads process.env by default', () => {
    const saved = process.env.AZURE_COMMUNICATION_CONNECTION_STRING;
    process.env.AZURE_COMMUNICATION_CONNECTION_STRING = CS;
    try {
      expect(identityClientOptionsFromEnv()).toMatchObject({ connectionString: CS });
    } finally {
      if (saved === undefined) delete process.env.AZURE_COMMUNICATION_CONNECTION_STRING;
      else process.env.AZURE_COMMUNICATION_CONNECTION_STRING = saved;
    }
  });
});
