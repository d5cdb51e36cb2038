import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../command-line.js';
import { type CommandContext, Logger } from '../context.js';
import type { GlobalValues } from '../global-options.js';
import { emulatorOptions } from './emulator.js';
import { gatewayOptions } from './gateway.js';

/** The arguments and context a start command gets for a command line and an environment. */
async function commandFor(argv: readonly string[], env: Record<string, string> = {}) {
  const outcome = await parseCommandLine(argv, () => '1', 80, env);
  if (outcome.kind !== 'command') throw new Error(`not a command: ${JSON.stringify(outcome)}`);
  const global = outcome.args as unknown as GlobalValues;
  const context: CommandContext = {
    io: {
      stdout: { write: () => true },
      stderr: { write: () => true },
      stdin: (async function* () {})(),
      env,
      cwd: '/work/project',
      now: () => 0,
    },
    log: Logger.fromOptions({ write: () => true }, global),
    global,
    sources: outcome.sources,
    print: async () => {},
  };
  return { args: outcome.args, context };
}

describe('emulator start', () => {
  it('passes what was given, by flag or variable, and leaves the defaults to the emulator', async () => {
    const { args, context } = await commandFor(['emulator', 'start', '--http', '--data-dir', 'state'], {
      EMULATOR_WORKERS: '2',
    });
    const { logger, ...options } = emulatorOptions(args, context);
    expect(options).toEqual({ tls: false, dataDir: '/work/project/state', workers: 2 });
    expect(typeof logger).toBe('function');
  });

  it('silences the log with --log none', async () => {
    const { args, context } = await commandFor(['emulator', 'start', '--log', 'none']);
    expect(emulatorOptions(args, context).logger).toBe(false);
  });
});

describe('gateway start', () => {
  it('passes one connection: a flag beats a variable, and the variable it beat is not passed on', async () => {
    const { args, context } = await commandFor(['gateway', 'start', '--endpoint', 'https://acs.example/'], {
      AZURE_COMMUNICATION_CONNECTION_STRING: 'endpoint=https://other.example/;accesskey=a2V5',
      GATEWAY_ADMIN_KEYS: 'k',
      PORT: '8080',
      NODE_ENV: 'production',
    });
    const { env, logSink, ...options } = gatewayOptions(args, context);
    expect(options).toEqual({ endpoint: 'https://acs.example/', logLevel: 'info' });
    // The gateway reads what has no flag (and PORT, its fallback for GATEWAY_PORT) itself.
    expect(env).toEqual({ GATEWAY_ADMIN_KEYS: 'k', PORT: '8080', NODE_ENV: 'production' });
    expect(typeof logSink).toBe('function');
  });

  it('reads the variables of its flags through the table, old names included', async () => {
    const { args, context } = await commandFor(['gateway', 'start', '--dev', '--debug'], {
      GATEWAY_PORT: '5000',
      GATEWAY_DATA_DIR: 'state',
      GATEWAY_CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    const { env, logSink, ...options } = gatewayOptions(args, context);
    expect(options).toEqual({
      dev: true,
      port: 5000,
      dataDir: '/work/project/state',
      corsOrigins: ['https://a.example', 'https://b.example'],
      logLevel: 'debug',
    });
    expect(env).toEqual({});
  });

  it('lets --log-level win over --debug', async () => {
    const { args, context } = await commandFor(['gateway', 'start', '--debug', '--log-level', 'warn']);
    expect(gatewayOptions(args, context).logLevel).toBe('warn');
  });
});
