// Starting and stopping the servers a figure measures, each in its own process so that it has a core to itself.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../lib.mjs';

/** Spawns `node script args` and resolves with the first JSON line it prints, plus a stop function. */
export async function startJsonChild(
  script,
  args,
  { env = process.env, timeoutMs = 60_000, nodeArgs = [] } = {},
) {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const info = await new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new Error(`${script} did not start in ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const line = buffer.split('\n').find((l) => l.trim().startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}: ${stderr.slice(-500)}`));
    });
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  return { info, child, stop };
}

/**
 * Runs `bench/support/<childScript>` with a data folder, passing it `optionsFor(dataDir)` as JSON; `stop()` stops the
 * child and removes the folder. The folder is a fresh `mkdtemp` of `prefix`, or `dataDir` when given (kept on stop).
 */
async function startWithDataDir(prefix, childScript, optionsFor, { dataDir: given, ...childOptions } = {}) {
  const dataDir = given ?? mkdtempSync(join(tmpdir(), prefix));
  const { info, child, stop } = await startJsonChild(
    join(repoRoot, 'bench', 'support', childScript),
    [JSON.stringify(optionsFor(dataDir))],
    childOptions,
  );
  return {
    info,
    pid: child.pid,
    stop: async () => {
      await stop();
      if (given === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What the emulator children start with: any free port, rate limits off, no logs; `extra` adds to or overrides it. */
const benchEmulatorOptions = (extra) => (dataDir) => ({
  port: 0,
  dataDir,
  rateLimits: false,
  logger: false,
  ...extra,
});

/** Starts an emulator in a child process with rate limits off and a fresh data folder. */
/** `nodeArgs`: flags for the child's node, e.g. a heap limit. */
export async function startBenchEmulator(extra = {}, { nodeArgs = [] } = {}) {
  return startWithDataDir('acs-bench-emulator-', 'emulator-child.mjs', benchEmulatorOptions(extra), {
    nodeArgs,
  });
}

/**
 * Starts an emulator cluster (`startEmulatorCluster`, one worker process per core unless `workers` says otherwise) in a
 * child process with rate limits off and a fresh data folder. `info.workerPids` lists its workers.
 */
export async function startBenchEmulatorCluster(extra = {}, { nodeArgs = [] } = {}) {
  return startWithDataDir('acs-bench-cluster-', 'emulator-cluster-child.mjs', benchEmulatorOptions(extra), {
    nodeArgs,
  });
}

/** The environment of this process without the variables a gateway or an SDK would read. */
function cleanEnv(extra = {}) {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('GATEWAY_') || name.startsWith('AZURE_') || name.startsWith('ACS_IDENTITY_'))
      delete env[name];
  }
  return { ...env, ...extra };
}

/**
 * Starts a gateway in a child process wired to an emulator, with rate limits off and one admin key. `options` adds to
 * or overrides its options; `dataDir` reuses a folder (kept on stop) instead of a fresh one.
 */
export async function startBenchGateway(
  emulatorInfo,
  adminKey,
  { nodeArgs = [], options = {}, dataDir } = {},
) {
  return startWithDataDir(
    'acs-bench-gateway-',
    'gateway-child.mjs',
    (folder) => ({
      port: 0,
      dataDir: folder,
      adminKeys: [adminKey],
      connectionString: emulatorInfo.connectionString,
      caCertFile: emulatorInfo.caCertFile,
      rateLimitPerMinute: 0,
      logLevel: 'error',
      ...options,
    }),
    { env: cleanEnv(), nodeArgs, ...(dataDir === undefined ? {} : { dataDir }) },
  );
}

/**
 * Starts the minimal token server (`support/minimal-token-server.mjs`: node:http, one route, the Azure SDK's
 * CommunicationIdentityClient) on the emulator, trusting its CA through NODE_EXTRA_CA_CERTS.
 */
export async function startMinimalTokenServer(emulatorInfo, { nodeArgs = [] } = {}) {
  const { info, child, stop } = await startJsonChild(
    join(repoRoot, 'bench', 'support', 'minimal-token-server.mjs'),
    [JSON.stringify({ connectionString: emulatorInfo.connectionString })],
    { env: cleanEnv({ NODE_EXTRA_CA_CERTS: emulatorInfo.caCertFile }), nodeArgs },
  );
  return { info, pid: child.pid, stop };
}

/** CPU time (user + system) a process has used so far, in seconds (Linux /proc). */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at state; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** USER_HZ: 100 on every Linux architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Resident set size of a process in bytes (Linux /proc). */
export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}
