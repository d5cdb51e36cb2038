#!/usr/bin/env node
// `npm start`: the whole local stack in one command. Builds what is needed, then starts the ACS Identity emulator
// (HTTPS, SQLite in the data folder), the GraphQL gateway in development mode wired to it, and the demo web app, and
// prints one block with the URLs. Ctrl-C stops everything. A second start reuses the data folder.
//
//   node scripts/start.mjs [--data-dir DIR] [--host HOST] [--emulator-port N] [--gateway-port N] [--demo-port N]
//                          [--no-build] [--help]
//
// Each flag has an environment variable: ACS_IDENTITY_DATA_DIR, ACS_IDENTITY_HOST, ACS_IDENTITY_EMULATOR_PORT,
// ACS_IDENTITY_GATEWAY_PORT, ACS_IDENTITY_DEMO_PORT. Port 0 picks a free port.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const DEFAULTS = {
  dataDir: '.acs-identity',
  host: '127.0.0.1',
  emulatorPort: 8443,
  gatewayPort: 4000,
  demoPort: 3000,
};

const HELP = `Usage: npm start -- [options]

Starts the ACS Identity emulator, the GraphQL gateway (development mode) and the demo web app.

Options (environment variable in brackets):
  --data-dir DIR        data folder: identities, keys, the local CA, logs [ACS_IDENTITY_DATA_DIR] (default ${DEFAULTS.dataDir})
  --host HOST           interface to listen on [ACS_IDENTITY_HOST] (default ${DEFAULTS.host})
  --emulator-port N     emulator HTTPS port [ACS_IDENTITY_EMULATOR_PORT] (default ${DEFAULTS.emulatorPort})
  --gateway-port N      gateway port [ACS_IDENTITY_GATEWAY_PORT] (default ${DEFAULTS.gatewayPort})
  --demo-port N         demo web app port [ACS_IDENTITY_DEMO_PORT] (default ${DEFAULTS.demoPort})
  --no-build            skip the build (use what is already built)
  -h, --help            show this help

Port 0 picks a free port. Ctrl-C stops everything.`;

/** A user mistake or an environment problem: printed as one clear line, never with a stack trace. */
class StartError extends Error {}

function parsePort(name, value) {
  const n = Number(value);
  if (!/^\d+$/.test(String(value).trim()) || n > 65_535) {
    throw new StartError(`${name} must be a port number from 0 to 65535, not "${value}".`);
  }
  return n;
}

/** Reads flags, then environment variables, then defaults. */
export function readSettings(argv = process.argv.slice(2), env = process.env) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        'data-dir': { type: 'string' },
        host: { type: 'string' },
        'emulator-port': { type: 'string' },
        'gateway-port': { type: 'string' },
        'demo-port': { type: 'string' },
        'no-build': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    // node:util's messages for unknown flags suggest a '--' positional syntax that does not apply here.
    const detail =
      e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? e.message.split('.')[0] : e.message.replace(/\.$/, '');
    throw new StartError(`${detail}. Run npm start -- --help for the options.`);
  }
  const v = parsed.values;
  const pick = (flag, variable, fallback) => v[flag] ?? env[variable] ?? fallback;
  const dataDir = resolve(ROOT, pick('data-dir', 'ACS_IDENTITY_DATA_DIR', DEFAULTS.dataDir));
  return {
    help: v.help,
    build: !v['no-build'],
    dataDir,
    host: pick('host', 'ACS_IDENTITY_HOST', DEFAULTS.host),
    emulatorPort: parsePort(
      '--emulator-port',
      pick('emulator-port', 'ACS_IDENTITY_EMULATOR_PORT', DEFAULTS.emulatorPort),
    ),
    gatewayPort: parsePort(
      '--gateway-port',
      pick('gateway-port', 'ACS_IDENTITY_GATEWAY_PORT', DEFAULTS.gatewayPort),
    ),
    demoPort: parsePort('--demo-port', pick('demo-port', 'ACS_IDENTITY_DEMO_PORT', DEFAULTS.demoPort)),
  };
}

/** Resolves when `port` can be bound on `host`; throws a StartError naming the flag to change otherwise. */
async function assertPortFree(what, host, port, flag, variable) {
  if (port === 0) return;
  await new Promise((done, fail) => {
    const probe = net.createServer();
    probe.once('error', (e) => {
      if (e.code === 'EADDRINUSE') {
        fail(
          new StartError(
            `Port ${port} (${what}) is already in use. Stop what uses it, or pick another port: ` +
              `npm start -- ${flag} ${port + 1}   (or ${variable}=${port + 1}; 0 picks a free port).`,
          ),
        );
      } else if (e.code === 'EACCES') {
        fail(
          new StartError(
            `Port ${port} (${what}) needs privileges here. Pick a port above 1023 with ${flag}.`,
          ),
        );
      } else {
        fail(new StartError(`Cannot listen on ${host}:${port} for the ${what}: ${e.message}`));
      }
    });
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => done()));
  });
}

function build() {
  process.stdout.write('Building (turbo, cached)… ');
  const result = spawnSync(
    process.execPath,
    [
      resolve(ROOT, 'node_modules/turbo/bin/turbo'),
      'run',
      'build',
      '--continue',
      '--output-logs=errors-only',
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
    },
  );
  if (result.status === 0) {
    process.stdout.write('done.\n');
    return;
  }
  process.stdout.write('some packages failed to build; starting what is built.\n');
  const failed = new Set((result.stdout + result.stderr).match(/@acs-identity\/[\w-]+(?=#build)/g) ?? []);
  if (failed.size > 0)
    console.warn(`  Failed to build: ${[...failed].join(', ')} (run npm run build to see why).`);
}

/** Imports a workspace package, or explains why it cannot. */
async function load(name, folder) {
  if (!existsSync(resolve(ROOT, folder, 'dist'))) {
    return { missing: `${name} is not built yet (${folder}/dist is missing)` };
  }
  try {
    return { module: await import(name) };
  } catch (e) {
    return { missing: `${name} could not be loaded: ${e.message}` };
  }
}

/** A logger that appends JSON lines (already redacted by the package) to a file in the data folder. */
function fileLog(file) {
  return (entry) => {
    try {
      appendFileSync(file, `${JSON.stringify(entry)}\n`);
    } catch {
      // Logging must never stop the stack.
    }
  };
}

/** The development admin key, created once per data folder (readable only by its owner). */
function devAdminKey(dataDir) {
  const file = resolve(dataDir, 'dev-admin-key');
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (key.length >= 32) return key;
  }
  const key = `dev-admin-${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

function describeError(e) {
  if (e instanceof StartError) return e.message;
  if (e && typeof e === 'object' && typeof e.code === 'string' && /EADDRINUSE|PORT_IN_USE/.test(e.code)) {
    return `A port is already in use (${e.message}). Pick other ports with --emulator-port, --gateway-port, --demo-port.`;
  }
  return e instanceof Error ? e.message : String(e);
}

function shown(path) {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** Fails early, before building or starting anything, when a chosen port is taken. */
async function checkPorts(settings) {
  const { host } = settings;
  await assertPortFree(
    'emulator',
    host,
    settings.emulatorPort,
    '--emulator-port',
    'ACS_IDENTITY_EMULATOR_PORT',
  );
  await assertPortFree('gateway', host, settings.gatewayPort, '--gateway-port', 'ACS_IDENTITY_GATEWAY_PORT');
  await assertPortFree('demo', host, settings.demoPort, '--demo-port', 'ACS_IDENTITY_DEMO_PORT');
}

/**
 * Starts the stack: the emulator, then the gateway wired to it, then the demo server forwarding to both. Parts whose
 * package is not built are listed in `missing`. Returns what runs and a `stop()` that closes it in reverse order.
 */
export async function startStack(settings) {
  const { dataDir, host } = settings;
  mkdirSync(resolve(dataDir, 'logs'), { recursive: true });
  await checkPorts(settings);

  const running = [];
  const missing = [];
  const stack = { missing, emulator: undefined, gateway: undefined, demo: undefined, adminKey: undefined };
  const stop = async () => {
    for (const part of running.reverse()) {
      try {
        await part.close();
      } catch {
        // Keep closing the rest.
      }
    }
    running.length = 0;
  };
  stack.stop = stop;

  try {
    const emulatorPkg = await load('@acs-identity/emulator', 'packages/emulator');
    if (emulatorPkg.missing) {
      missing.push(emulatorPkg.missing);
    } else {
      const emulator = await emulatorPkg.module.startEmulator({
        port: settings.emulatorPort,
        host,
        dataDir,
        logger: fileLog(resolve(dataDir, 'logs/emulator.log')),
      });
      running.push(emulator);
      stack.emulator = emulator.info;
    }

    const gatewayPkg = await load('@acs-identity/graphql', 'packages/graphql');
    if (gatewayPkg.missing) {
      missing.push(gatewayPkg.missing);
    } else if (stack.emulator === undefined) {
      missing.push('the gateway needs the emulator, which did not start');
    } else {
      stack.adminKey = devAdminKey(dataDir);
      const gateway = await gatewayPkg.module.startGateway({
        dev: true,
        adminKeys: [stack.adminKey],
        dataDir,
        connectionString: stack.emulator.connectionString,
        ...(stack.emulator.caCertFile ? { caCertFile: stack.emulator.caCertFile } : {}),
        port: settings.gatewayPort,
        host,
        logSink: fileLog(resolve(dataDir, 'logs/gateway.log')),
      });
      running.push(gateway);
      stack.gateway = gateway;
    }

    const demoPkg = await load('@acs-identity/demo/server', 'apps/demo');
    if (demoPkg.missing) {
      missing.push(demoPkg.missing);
    } else {
      const demo = await demoPkg.module.createDemoServer({
        ...(stack.gateway ? { gatewayUrl: stack.gateway.url } : {}),
        ...(stack.emulator ? { emulatorEndpoint: stack.emulator.endpoint } : {}),
        ...(stack.emulator?.caCertFile ? { caCertFile: stack.emulator.caCertFile } : {}),
        ...(stack.adminKey ? { adminKey: stack.adminKey } : {}),
        host,
        port: settings.demoPort,
      });
      const { url } = await demo.listen();
      running.push(demo);
      stack.demo = { url };
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return stack;
}

function banner(stack, settings) {
  const lines = ['', 'acs-identity local stack is running. Ctrl-C stops it.', ''];
  const row = (label, value) => lines.push(`  ${label.padEnd(18)} ${value}`);
  if (stack.demo) row('Demo', stack.demo.url);
  if (stack.gateway) row('Gateway (GraphQL)', `${stack.gateway.url}graphql   development mode`);
  if (stack.emulator) row('Emulator', stack.emulator.endpoint);
  if (stack.emulator) row('Connection string', stack.emulator.connectionString);
  if (stack.adminKey) row('Admin key (dev)', stack.adminKey);
  if (stack.emulator?.caCertFile)
    row('Trust the CA', `NODE_EXTRA_CA_CERTS=${shown(stack.emulator.caCertFile)}`);
  row('Data and logs', `${shown(settings.dataDir)}/  (identities survive restarts)`);
  for (const m of stack.missing) row('Not started', m);
  lines.push('');
  return lines.join('\n');
}

async function main() {
  let settings;
  try {
    settings = readSettings();
  } catch (e) {
    console.error(`npm start: ${describeError(e)}`);
    process.exit(2);
  }
  if (settings.help) {
    console.log(HELP);
    return;
  }
  try {
    await checkPorts(settings);
  } catch (e) {
    console.error(`npm start: ${describeError(e)}`);
    process.exit(1);
  }
  if (settings.build) build();

  let stack;
  try {
    stack = await startStack(settings);
  } catch (e) {
    console.error(`npm start: ${describeError(e)}`);
    process.exit(1);
  }
  console.log(banner(stack, settings));

  let stopping = false;
  const shutdown = async (signal) => {
    if (stopping) {
      console.error('Stopping at once.');
      process.exit(130);
    }
    stopping = true;
    process.stdout.write(`\n${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping… `);
    await stack.stop();
    process.stdout.write('stopped.\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
