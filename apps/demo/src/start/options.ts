import { parseArgs } from 'node:util';
import {
  DEFAULT_DATA_DIR,
  ENV,
  isAcsIdentityError,
  type OptionDefinition,
  type OptionTable,
  parsers,
  resolveOptions,
} from '@acs-identity/core';
import { DemoError } from '../errors.js';

/**
 * The options of `npm start`: one table, from which the flag parser, the environment fallbacks, the defaults, `--help`
 * and the table in apps/demo/README.md all come (a test keeps the README equal to it).
 */

export interface StartOptions {
  /** The data folder: identities, keys, the local CA, logs. Relative paths are taken from the repository root. */
  dataDir: string;
  /** The interface every part listens on. */
  host: string;
  emulatorPort: number;
  gatewayPort: number;
  demoPort: number;
  /** Start what is already built, without building first. */
  noBuild: boolean;
  help: boolean;
}

function port(text: string): number {
  try {
    return parsers.integer(0, 65_535)(text);
  } catch {
    throw new Error('a port number from 0 to 65535');
  }
}

export const START_OPTIONS: OptionTable<StartOptions> = {
  dataDir: {
    description: 'Data folder: identities, keys, the local CA, logs (relative to the repository root).',
    kind: 'string',
    flag: 'data-dir',
    placeholder: 'DIR',
    env: ENV.dataDir,
    default: DEFAULT_DATA_DIR,
    parse: parsers.text(),
  },
  host: {
    description: 'Interface every part listens on.',
    kind: 'string',
    flag: 'host',
    placeholder: 'HOST',
    env: 'ACS_IDENTITY_HOST',
    default: '127.0.0.1',
    parse: parsers.text(),
  },
  emulatorPort: {
    description: 'Emulator HTTPS port; 0 picks a free port.',
    kind: 'number',
    flag: 'emulator-port',
    placeholder: 'N',
    env: 'ACS_IDENTITY_EMULATOR_PORT',
    default: 8443,
    parse: port,
  },
  gatewayPort: {
    description: 'Gateway port; 0 picks a free port.',
    kind: 'number',
    flag: 'gateway-port',
    placeholder: 'N',
    env: 'ACS_IDENTITY_GATEWAY_PORT',
    default: 4000,
    parse: port,
  },
  demoPort: {
    description: 'Demo web app port; 0 picks a free port.',
    kind: 'number',
    flag: 'demo-port',
    placeholder: 'N',
    env: 'ACS_IDENTITY_DEMO_PORT',
    default: 3000,
    parse: port,
  },
  noBuild: {
    description: 'Skip the build (turbo, cached) and start what is already built.',
    kind: 'boolean',
    flag: 'no-build',
    default: false,
    defaultText: '',
    parse: parsers.boolean(),
  },
  help: {
    description: 'Show this help.',
    kind: 'boolean',
    flag: 'help',
    alias: ['h'],
    default: false,
    defaultText: '',
    parse: parsers.boolean(),
  },
};

type Entry = [keyof StartOptions, OptionDefinition<unknown>];
const ENTRIES = Object.entries(START_OPTIONS) as Entry[];

/** The `--help` text. */
export function startHelp(): string {
  const flags = ENTRIES.map(([, d]) => {
    const short = d.alias?.map((a) => `-${a}, `).join('') ?? '';
    return `${short}--${d.flag}${d.placeholder ? ` ${d.placeholder}` : ''}`;
  });
  const width = Math.max(...flags.map((f) => f.length)) + 2;
  const lines = ENTRIES.map(([, d], i) => {
    const fallback = d.defaultText ?? (d.default === undefined ? '' : String(d.default));
    const notes = [d.env, fallback === '' ? undefined : `default ${fallback}`].filter(Boolean).join('; ');
    return `  ${(flags[i] ?? '').padEnd(width)}${d.description}${notes ? ` [${notes}]` : ''}`;
  });
  return [
    'Usage: npm start -- [options]',
    '',
    'Starts the ACS Identity emulator, the GraphQL gateway (development mode) and the demo web app.',
    '',
    'Options [environment variable; default]:',
    ...lines,
    '',
    'Flags win over environment variables. Ctrl-C stops everything.',
  ].join('\n');
}

/** A value that does not parse, said the way npm start says it: `--demo-port must be …, not "eighty".` */
function invalidValue(
  e: unknown,
  given: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
) {
  if (!isAcsIdentityError(e) || e.code !== 'INVALID_OPTIONS') return e;
  const entry = ENTRIES.find(([key, d]) => key === e.target || d.env === e.target);
  if (entry === undefined) return e;
  const [key, d] = entry;
  const fromEnv = given[key] === undefined && d.env !== undefined;
  const text = fromEnv ? env[d.env as string] : given[key];
  const expected = e.cause instanceof Error ? e.cause.message : 'a valid value';
  return new DemoError(
    'INVALID_OPTIONS',
    `${fromEnv ? d.env : `--${d.flag}`} must be ${expected}, not ${JSON.stringify(String(text).trim())}.`,
    { cause: e },
  );
}

/** Reads `argv` (flags), then `env`, then the defaults; throws `INVALID_OPTIONS` saying what to fix. */
export function readStartOptions(argv: readonly string[], env: NodeJS.ProcessEnv): StartOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        ENTRIES.map(([, d]) => [
          d.flag as string,
          {
            type: d.kind === 'boolean' ? 'boolean' : 'string',
            ...(d.alias ? { short: d.alias[0] } : {}),
          } as const,
        ]),
      ),
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | boolean | undefined>;
  } catch (e) {
    // node:util's message for an unknown flag suggests a '--' positional syntax that does not apply here.
    const detail =
      (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? String((e as Error).message).split('.')[0]
        : String((e as Error).message).replace(/\.$/, '');
    throw new DemoError('INVALID_OPTIONS', `${detail}. Run npm start -- --help for the options.`, {
      cause: e,
    });
  }
  const given = Object.fromEntries(ENTRIES.map(([key, d]) => [key, values[d.flag as string]]));
  try {
    return resolveOptions(START_OPTIONS, given, env) as StartOptions;
  } catch (e) {
    throw invalidValue(e, given, env);
  }
}
