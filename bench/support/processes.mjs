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

/** Starts an emulator in a child process with rate limits off and a fresh data folder. */
/** `nodeArgs`: flags for the child's node, e.g. a heap limit. */
export async function startBenchEmulator(extra = {}, { nodeArgs = [] } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'acs-bench-emulator-'));
  const { info, child, stop } = await startJsonChild(
    join(repoRoot, 'bench', 'support', 'emulator-child.mjs'),
    [JSON.stringify({ port: 0, dataDir, rateLimits: false, logger: false, ...extra })],
    { nodeArgs },
  );
  return {
    info,
    pid: child.pid,
    stop: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts a gateway in a child process wired to an emulator, with rate limits off and one admin key. */
export async function startBenchGateway(emulatorInfo, adminKey, { nodeArgs = [] } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'acs-bench-gateway-'));
  const env = { ...process.env };
  for (const name of Object.keys(env))
    if (name.startsWith('GATEWAY_') || name.startsWith('AZURE_')) delete env[name];
  const { info, child, stop } = await startJsonChild(
    join(repoRoot, 'bench', 'support', 'gateway-child.mjs'),
    [
      JSON.stringify({
        port: 0,
        dataDir,
        adminKeys: [adminKey],
        connectionString: emulatorInfo.connectionString,
        caCertFile: emulatorInfo.caCertFile,
        rateLimitPerMinute: 0,
        logLevel: 'error',
      }),
    ],
    { env, nodeArgs },
  );
  return {
    info,
    pid: child.pid,
    stop: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resident set size of a process in bytes (Linux /proc). */
export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}
