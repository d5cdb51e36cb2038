// One worker of startEmulatorCluster (./cluster.ts): builds an emulator from the options the primary sends and listens
// on the port the workers share. It stops on SIGTERM (the primary sends it on close() and on SIGINT/SIGTERM), ignores
// the terminal's SIGINT (Ctrl+C reaches the whole process group; the primary decides), and exits on its own when the
// primary goes away (node:cluster ends a worker whose IPC channel closes unexpectedly).
import cluster from 'node:cluster';
import type { ClusterMessage, ClusterWorkerOptions } from './cluster.js';
import { createClusterWorkerEmulator, type Emulator } from './emulator.js';
import { toEmulatorError } from './errors.js';
import type { EmulatorLogger } from './options.js';

function send(message: ClusterMessage): void {
  if (process.connected && process.send) process.send(message);
}

/** Sends and resolves once the message is handed to the channel (before the process exits). */
function sendNow(message: ClusterMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.connected && process.send) process.send(message, undefined, undefined, () => resolve());
    else resolve();
  });
}

function loggerFor(mode: ClusterWorkerOptions['log']): EmulatorLogger | false {
  switch (mode) {
    case 'none':
      return false;
    case 'stdout':
      return (entry) => {
        process.stdout.write(`${JSON.stringify({ ...entry, worker: process.pid })}\n`);
      };
    case 'forward':
      return (entry) => send({ type: 'log', entry });
  }
}

let emulator: Emulator | undefined;
let starting = false;
let stopping = false;

function stop(): void {
  if (stopping) return;
  stopping = true;
  // A signal during startup stops the worker once the emulator exists (or at once when there is none yet).
  if (starting && !emulator) return;
  (emulator?.close() ?? Promise.resolve()).then(
    () => process.exit(0),
    () => process.exit(1),
  );
}

async function start(options: ClusterWorkerOptions): Promise<void> {
  starting = true;
  const { log, ...emulatorOptions } = options;
  try {
    emulator = await createClusterWorkerEmulator({ ...emulatorOptions, logger: loggerFor(log) });
    const info = await emulator.listen();
    send({ type: 'listening', info });
  } catch (e) {
    const error = toEmulatorError(e);
    await emulator?.close().catch(() => {});
    await sendNow({ type: 'failed', code: error.code, message: error.message });
    process.exit(1);
  }
  if (stopping) {
    stopping = false;
    stop();
  }
}

if (!cluster.isWorker) {
  process.stderr.write('cluster-worker.js is started by startEmulatorCluster, not on its own.\n');
  process.exit(2);
}
process.on('SIGINT', () => {});
process.on('SIGTERM', stop);
process.on('message', (message: ClusterMessage) => {
  if (message.type === 'start' && !starting) void start(message.options);
});
send({ type: 'ready' });
