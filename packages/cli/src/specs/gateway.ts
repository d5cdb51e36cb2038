/** `gateway start`: the GraphQL trusted token service, with the options of the gateway's own table (GATEWAY_OPTIONS). */
import { EMULATOR_INFO_FILE, ENV } from '@acs-identity/core/vocabulary';
import { GATEWAY_OPTIONS } from '@acs-identity/graphql/options';
import { optionsFromTable } from '../option-table.js';
import type { CommandSpec } from '../spec.js';

export const GATEWAY_START = {
  path: ['gateway', 'start'],
  summary: 'Run the GraphQL trusted token service until Ctrl+C (SIGINT) or SIGTERM.',
  details: `Needs a back end (--connection-string or --endpoint, or ${ENV.connectionString} / ${ENV.endpoint}) and a way in for callers: GATEWAY_ADMIN_KEYS (an environment variable only, never a flag) and/or an OpenID Connect issuer (--oidc-issuer with --oidc-audience); it refuses to start without them. Only with --dev does it fall back to the local emulator found through <data-dir>/${EMULATOR_INFO_FILE} and let anyone sign in. Every option is also an environment variable (see the @acs-identity/graphql README); a flag wins over its variable.`,
  options: optionsFromTable(GATEWAY_OPTIONS, { dataDir: { deprecatedEnv: ['GATEWAY_DATA_DIR'] } }),
  groups: [],
  examples: [
    ['acs-identity gateway start --dev', 'Gateway on the local emulator with dev sign-in'],
    [
      'GATEWAY_ADMIN_KEYS="$(openssl rand -base64 32)" acs-identity gateway start --connection-string "$CONNECTION_STRING"',
      'Gateway for administrators on a real resource',
    ],
  ],
} as const satisfies CommandSpec;
