/** `gateway start`: the GraphQL trusted token service. */
import { DEFAULT_DATA_DIR, EMULATOR_INFO_FILE } from '@acs-identity/core/vocabulary';
import type { CommandSpec } from '../spec.js';

export const GATEWAY_START = {
  path: ['gateway', 'start'],
  summary: 'Run the GraphQL trusted token service until Ctrl+C (SIGINT) or SIGTERM.',
  details:
    'Every other setting (admin keys, OpenID Connect issuer, CORS, limits) comes from the GATEWAY_* environment variables described in the @acs-identity/graphql README. Without a connection option the gateway uses the local emulator of --data-dir.',
  options: {
    port: {
      type: 'number',
      env: 'GATEWAY_PORT',
      integer: { min: 0, max: 65_535 },
      description: 'TCP port (0: any free port); default 4000.',
      placeholder: '<port>',
    },
    host: {
      type: 'string',
      env: 'GATEWAY_HOST',
      description: 'Interface to listen on; default 127.0.0.1.',
      placeholder: '<host>',
    },
    'data-dir': {
      type: 'string',
      env: 'GATEWAY_DATA_DIR',
      default: DEFAULT_DATA_DIR,
      description: `Folder of the SQLite mapping store and of the local emulator’s ${EMULATOR_INFO_FILE}.`,
      placeholder: '<dir>',
    },
    'database-url': {
      type: 'string',
      env: 'GATEWAY_DATABASE_URL',
      secret: true,
      description: 'postgres:// URL of the mapping store, for several gateway instances (default: SQLite).',
      placeholder: '<url>',
    },
    dev: {
      type: 'boolean',
      env: 'GATEWAY_DEV',
      description:
        'Development mode: POST /dev/sign-in lets anyone sign in as anyone, plus GraphiQL. Never in production.',
    },
  },
  groups: ['connection'],
  examples: [['acs-identity gateway start --dev', 'Gateway on the local emulator with dev sign-in']],
} as const satisfies CommandSpec;
