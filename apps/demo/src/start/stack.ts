import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type ApiVersion, isAcsIdentityError } from '@acs-identity/core';
import { listen } from '@acs-identity/core/server';
import type { EmulatorInfo } from '@acs-identity/emulator';
import { DemoError } from '../errors.js';
import { createDemoServer } from '../server/index.js';
import type { StartOptions } from './options.js';
import { START_OPTIONS } from './options.js';

/**
 * The local stack `npm start` runs: the emulator, then the gateway wired to it, then the demo server forwarding to both.
 * A part whose package is not built is skipped and named in `missing`.
 */

export interface Stack {
  emulator: EmulatorInfo | undefined;
  gateway: { url: string } | undefined;
  demo: { url: string } | undefined;
  /** The development admin key (kept in the data folder). */
  adminKey: string | undefined;
  /** What did not start, and why. */
  missing: string[];
  /** Stops every part, the last started first. */
  stop(): Promise<void>;
}

/** The settings of one start: the options with the data folder made absolute. */
export type StackSettings = Omit<StartOptions, 'help' | 'noBuild'>;

/** The api-version the stack's gateway calls the emulator at: the one with custom ids and identity details. */
export const DEMO_API_VERSION = '2025-03-02-preview' satisfies ApiVersion;

const PORTS = [
  ['emulatorPort', 'emulator'],
  ['gatewayPort', 'gateway'],
  ['demoPort', 'demo'],
] as const;

/** Fails early, before building or starting anything, when a chosen port is taken, naming the flag that changes it. */
export async function assertPortsFree(settings: StackSettings): Promise<void> {
  for (const [key, what] of PORTS) {
    const port = settings[key];
    if (port === 0) continue;
    const probe = createServer();
    try {
      await listen(probe, { port, host: settings.host, name: `the ${what}` });
    } catch (e) {
      if (!isAcsIdentityError(e) || e.code !== 'PORT_IN_USE') throw e;
      const { flag, env } = START_OPTIONS[key];
      throw new DemoError(
        'PORT_IN_USE',
        `Port ${port} (${what}) is already in use. Stop what uses it, or pick another port: ` +
          `npm start -- --${flag} ${port + 1}   (or ${env}=${port + 1}; 0 picks a free port).`,
        { cause: e },
      );
    } finally {
      await new Promise((done) => probe.close(done));
    }
  }
}

/** A logger that appends JSON lines (already redacted by the package) to a file in the data folder. */
function fileLog(file: string): (entry: unknown) => void {
  return (entry) => {
    try {
      appendFileSync(file, `${JSON.stringify(entry)}\n`);
    } catch {
      // Logging must never stop the stack.
    }
  };
}

/** The development admin key, created once per data folder (readable only by its owner). */
function devAdminKey(dataDir: string): string {
  const file = join(dataDir, 'dev-admin-key');
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (key.length >= 32) return key;
  }
  const key = `dev-admin-${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

/** Imports a built workspace package, or says why it cannot. */
async function load<M>(
  name: string,
  folder: string,
  root: string,
): Promise<{ module?: M; missing?: string }> {
  if (!existsSync(join(root, folder, 'dist')))
    return { missing: `${name} is not built yet (${folder}/dist is missing)` };
  try {
    return { module: (await import(name)) as M };
  } catch (e) {
    return { missing: `${name} could not be loaded: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Starts the stack; on a failure, stops what already runs and throws. */
export async function startStack(settings: StackSettings, root: string): Promise<Stack> {
  const { dataDir, host } = settings;
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  await assertPortsFree(settings);
  const running: { close(): Promise<void> }[] = [];
  const stack: Stack = {
    emulator: undefined,
    gateway: undefined,
    demo: undefined,
    adminKey: undefined,
    missing: [],
    async stop() {
      for (const part of running.splice(0).reverse()) {
        await part.close().catch(() => {
          // Keep closing the rest.
        });
      }
    },
  };
  try {
    const emulatorPkg = await load<typeof import('@acs-identity/emulator')>(
      '@acs-identity/emulator',
      'packages/emulator',
      root,
    );
    if (emulatorPkg.module) {
      const emulator = await emulatorPkg.module.startEmulator({
        port: settings.emulatorPort,
        host,
        dataDir,
        logger: fileLog(join(dataDir, 'logs/emulator.log')),
      });
      running.push(emulator);
      stack.emulator = emulator.info;
    } else stack.missing.push(emulatorPkg.missing ?? '@acs-identity/emulator');

    const gatewayPkg = await load<typeof import('@acs-identity/graphql')>(
      '@acs-identity/graphql',
      'packages/graphql',
      root,
    );
    if (!gatewayPkg.module) stack.missing.push(gatewayPkg.missing ?? '@acs-identity/graphql');
    else if (stack.emulator === undefined)
      stack.missing.push('the gateway needs the emulator, which did not start');
    else {
      stack.adminKey = devAdminKey(dataDir);
      const gateway = await gatewayPkg.module.startGateway({
        dev: true,
        adminKeys: [stack.adminKey],
        dataDir,
        connectionString: stack.emulator.connectionString,
        // The emulator serves today's API whole: at its preview version the gateway maps end users through custom ids
        // (identityMapping auto), so any number of gateways on this emulator would agree.
        apiVersion: DEMO_API_VERSION,
        ...(stack.emulator.caCertFile ? { caCertFile: stack.emulator.caCertFile } : {}),
        port: settings.gatewayPort,
        host,
        logSink: fileLog(join(dataDir, 'logs/gateway.log')),
      });
      running.push(gateway);
      stack.gateway = gateway;
    }

    const demo = await createDemoServer({
      ...(stack.gateway ? { gatewayUrl: stack.gateway.url } : {}),
      ...(stack.emulator ? { emulatorEndpoint: stack.emulator.endpoint } : {}),
      ...(stack.emulator?.caCertFile ? { caCertFile: stack.emulator.caCertFile } : {}),
      ...(stack.adminKey ? { adminKey: stack.adminKey } : {}),
      host,
      port: settings.demoPort,
    });
    running.push(demo);
    stack.demo = { url: (await demo.listen()).url };
  } catch (e) {
    await stack.stop();
    throw e;
  }
  return stack;
}
