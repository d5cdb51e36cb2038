import cluster, { type Worker } from 'node:cluster';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onStopSignals } from '@acs-identity/core/server';
import { type EmulatorInfo, removeEmulatorInfo, writeEmulatorInfo } from './discovery.js';
import { createEmulator } from './emulator.js';
import { EmulatorError, type EmulatorErrorCode, invalidOptions, toEmulatorError } from './errors.js';
import { DataDirLock } from './lock.js';
import { type EmulatorLogEntry, type EmulatorOptions, normalizeOptions } from './options.js';
import { MemoryRateLimiter } from './rate-limit.js';
import { answerWorker, type RateLimitMessage } from './rate-limit-cluster.js';
import { countedByPrimary } from './rate-limit-open.js';

/** A log entry of the cluster: the workers' entries carry the pid of the worker that wrote them. */
export interface EmulatorClusterLogEntry extends EmulatorLogEntry {
  /** Pid of the worker process; absent on the primary's own entries. */
  worker?: number;
}

/** Options of {@link startEmulatorCluster}: those of `startEmulator`, less `now`, plus the worker count. */
export interface EmulatorClusterOptions extends Omit<EmulatorOptions, 'now' | 'logger'> {
  /** Worker processes, each serving the one shared port. @default os.availableParallelism() */
  workers?: number;
  /**
   * Stop on SIGINT/SIGTERM: send the workers SIGTERM, wait for them, remove `emulator.json` and exit the process with
   * code 0 (as `acs-identity-emulator` does). Workers ignore SIGINT themselves (Ctrl+C reaches the whole group). `false`: the caller handles signals and calls `close()`.
   * @default true
   */
  handleSignals?: boolean;
  /** Receives the entries of every worker (with `worker`) and of the primary; `false` silences them. @default JSON lines on stdout */
  logger?: ((entry: EmulatorClusterLogEntry) => void) | false;
}

/** A running cluster: N worker processes serving one endpoint, described by the primary's `emulator.json`. */
export interface RunningEmulatorCluster {
  /** What clients need; `pid` is the primary's (it lives as long as the cluster does). */
  readonly info: EmulatorInfo;
  /** Path of the emulator.json the primary wrote. */
  readonly infoFile: string;
  /** Pids of the worker processes still running. */
  readonly workerPids: readonly number[];
  /** Stops every worker (SIGTERM, then SIGKILL after 10 s), removes emulator.json and the lock. Idempotent. */
  close(): Promise<void>;
}

/** What a worker builds its emulator from: the cluster's options that survive a trip through IPC. */
export type ClusterWorkerOptions = Omit<EmulatorClusterOptions, 'logger' | 'workers' | 'handleSignals'> & {
  /** `none`: silent; `stdout`: JSON lines on the worker's own stdout; `forward`: each entry sent to the primary. */
  log: 'none' | 'stdout' | 'forward';
};

/** Messages between the primary and its workers. */
export type ClusterMessage =
  | { type: 'ready' }
  | { type: 'start'; options: ClusterWorkerOptions }
  | { type: 'listening'; info: EmulatorInfo }
  | { type: 'failed'; code: EmulatorErrorCode; message: string }
  | { type: 'log'; entry: EmulatorLogEntry }
  | RateLimitMessage;

const STARTUP_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const MAX_WORKERS = 256;

function isMessage(value: unknown): value is ClusterMessage {
  return (
    typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
  );
}

/** The built worker entry: `dist/cluster-worker.js` (also when this module runs from `src/` under the tests). */
function workerScript(): string {
  const here = fileURLToPath(import.meta.url);
  const script = here.endsWith('.ts')
    ? join(dirname(here), '..', 'dist', 'cluster-worker.js')
    : join(dirname(here), 'cluster-worker.js');
  if (!existsSync(script)) {
    throw new EmulatorError(
      'UNEXPECTED',
      `The cluster worker ${script} is missing; build @acs-identity/emulator first (npm run build).`,
    );
  }
  return script;
}

/** Resolves and validates the cluster's own options; the emulator's are validated by `normalizeOptions`. */
function normalizeClusterOptions(options: EmulatorClusterOptions) {
  if ((options as EmulatorOptions).now !== undefined) {
    throw invalidOptions(
      'Emulator option now: an injected clock cannot be used with workers, they run in other processes. Use startEmulator to inject a clock.',
    );
  }
  const workers = options.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
    throw invalidOptions(
      `Emulator option workers must be an integer from 1 to ${MAX_WORKERS}; got ${String(workers)}.`,
    );
  }
  const { workers: _workers, handleSignals, logger, ...emulatorOptions } = options;
  // Throws INVALID_OPTIONS for the emulator's own options, here rather than once per worker.
  const normalized = normalizeOptions({ ...emulatorOptions, logger: false });
  const log: (entry: EmulatorClusterLogEntry) => void =
    logger === false
      ? () => {}
      : (logger ??
        ((entry) => {
          process.stdout.write(`${JSON.stringify(entry)}\n`);
        }));
  const workerOptions: ClusterWorkerOptions = {
    ...emulatorOptions,
    dataDir: normalized.dataDir,
    log: logger === false ? 'none' : logger === undefined ? 'stdout' : 'forward',
  };
  return {
    workers,
    handleSignals: handleSignals ?? true,
    log,
    workerOptions,
    dataDir: normalized.dataDir,
    // The workers' budgets, counted here when they share no database (see rate-limit-cluster.ts).
    limiter:
      normalized.rateLimits && countedByPrimary(normalized)
        ? new MemoryRateLimiter(normalized.rateLimits, Date.now)
        : undefined,
  };
}

/**
 * The primary's node flags for the workers (e.g. `--cpu-prof`, a heap limit), less those that would make the worker
 * run the primary's own code instead of the worker entry: `-e`/`-p` with their script, and `--input-type`.
 */
function workerExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i += 1) {
    const arg = execArgv[i] ?? '';
    if (['-e', '--eval', '-p', '--print', '-pe'].includes(arg)) {
      i += 1;
    } else if (!/^(--eval|--print|--input-type)(=|$)/.test(arg)) {
      kept.push(arg);
    } else if (arg === '--input-type') {
      i += 1;
    }
  }
  return kept;
}

/** Sends SIGTERM to a worker and resolves once it exited (SIGKILL after {@link STOP_TIMEOUT_MS}). */
function stopWorker(worker: Worker): Promise<void> {
  if (worker.isDead()) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => worker.process.kill('SIGKILL'), STOP_TIMEOUT_MS);
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    worker.process.kill('SIGTERM');
  });
}

/** Forks one worker and resolves with its info once it listens; rejects when it fails or exits first. */
function startWorker(
  workerOptions: ClusterWorkerOptions,
  log: (entry: EmulatorClusterLogEntry) => void,
): { worker: Worker; listening: Promise<EmulatorInfo> } {
  const worker = cluster.fork();
  const pid = worker.process.pid;
  worker.on('message', (message: unknown) => {
    if (isMessage(message) && message.type === 'log') {
      log(pid === undefined ? message.entry : { ...message.entry, worker: pid });
    }
  });
  const listening = new Promise<EmulatorInfo>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new EmulatorError(
          'UNEXPECTED',
          `Emulator worker ${pid} did not start listening within ${STARTUP_TIMEOUT_MS / 1000} s.`,
        ),
      );
    }, STARTUP_TIMEOUT_MS);
    const onMessage = (message: unknown) => {
      if (!isMessage(message)) return;
      if (message.type === 'ready') {
        // Sent once the worker listens for messages: one sent before that would be lost while its modules load.
        worker.send({ type: 'start', options: workerOptions } satisfies ClusterMessage);
      } else if (message.type === 'listening') {
        done();
        resolve(message.info);
      } else if (message.type === 'failed') {
        done();
        reject(new EmulatorError(message.code, message.message));
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      done();
      reject(
        new EmulatorError(
          'UNEXPECTED',
          `Emulator worker ${pid} exited (${signal ?? `code ${code}`}) before it listened.`,
        ),
      );
    };
    const done = () => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('exit', onExit);
  });
  return { worker, listening };
}

/** The primary's state: its workers, the published info, the data folder's lock, and its one shutdown. */
class ClusterPrimary {
  readonly live = new Set<Worker>();
  info: EmulatorInfo | undefined;
  #closing: Promise<void> | undefined;
  #disposeSignals: (() => void) | undefined;
  readonly #dataDir: string;
  readonly #lock: DataDirLock;
  readonly #log: (entry: EmulatorClusterLogEntry) => void;
  readonly #limiter: MemoryRateLimiter | undefined;

  constructor(
    dataDir: string,
    lock: DataDirLock,
    log: (entry: EmulatorClusterLogEntry) => void,
    limiter: MemoryRateLimiter | undefined,
  ) {
    this.#dataDir = dataDir;
    this.#lock = lock;
    this.#log = log;
    this.#limiter = limiter;
  }

  log(level: EmulatorLogEntry['level'], msg: string): void {
    this.#log({ time: new Date().toISOString(), level, msg });
  }

  /** Forks a worker and follows it: when the last one exits, the cluster stops advertising the endpoint. */
  fork(workerOptions: ClusterWorkerOptions): Promise<EmulatorInfo> {
    const { worker, listening } = startWorker(workerOptions, this.#log);
    if (this.#limiter) answerWorker(worker, this.#limiter);
    this.live.add(worker);
    worker.on('exit', (code, signal) => {
      this.live.delete(worker);
      if (this.#closing || !this.info) return;
      this.log(
        code === 0 ? 'warn' : 'error',
        `worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); ${this.live.size} still serve`,
      );
      if (this.live.size === 0) void this.shutdown();
    });
    return listening;
  }

  /** On SIGINT/SIGTERM (once `ready` settled): stop the workers, then exit with code 0. */
  handleSignals(ready: Promise<unknown>): void {
    this.#disposeSignals = onStopSignals(async (signal) => {
      await ready.catch(() => {});
      this.log('info', `received ${signal}; stopping the workers`);
      await this.shutdown();
      process.exit(0);
    });
  }

  /** Stops every worker, removes emulator.json and releases the data folder. Idempotent. */
  shutdown(): Promise<void> {
    this.#closing ??= (async () => {
      this.#disposeSignals?.();
      await Promise.all([...this.live].map((w) => stopWorker(w)));
      if (this.info) await removeEmulatorInfo(this.#dataDir, this.info.pid, this.info.port);
      await this.#lock.release();
      this.log('info', 'cluster stopped');
    })();
    return this.#closing;
  }
}

/** Seeds the store and creates the CA and server certificate once, so the workers only read them. */
async function prepareState(workerOptions: ClusterWorkerOptions): Promise<void> {
  const { log: _log, ...emulatorOptions } = workerOptions;
  const preparation = await createEmulator({ ...emulatorOptions, logger: false });
  await preparation.close();
}

/** Forks the workers and resolves with the info they share (one port) once all listen. */
async function forkWorkers(primary: ClusterPrimary, count: number, workerOptions: ClusterWorkerOptions) {
  cluster.setupPrimary({ exec: workerScript(), args: [], execArgv: workerExecArgv(process.execArgv) });
  const infos = await Promise.all(Array.from({ length: count }, () => primary.fork(workerOptions)));
  const first = infos[0];
  if (!first || infos.some((i) => i.port !== first.port)) {
    throw new EmulatorError('UNEXPECTED', 'The emulator workers did not share one port.');
  }
  return first;
}

/**
 * Runs the emulator in `workers` processes (node:cluster) that share one port (connections handed out round-robin)
 * and one store: the SQLite file in WAL mode (or PostgreSQL), so every worker knows the same identities, revocations,
 * access keys and signing keys. The primary takes the data folder's lock (`DATA_DIR_IN_USE` when another emulator
 * holds it), prepares the store and TLS material once, forks the workers, writes `<dataDir>/emulator.json` naming
 * itself as `pid`, and serves no requests. Must run in a cluster primary.
 */
export async function startEmulatorCluster(
  options: EmulatorClusterOptions = {},
): Promise<RunningEmulatorCluster> {
  if (!cluster.isPrimary) {
    throw invalidOptions('startEmulatorCluster must run in a cluster primary, not in a cluster worker.');
  }
  const {
    workers: count,
    handleSignals,
    log,
    workerOptions,
    dataDir,
    limiter,
  } = normalizeClusterOptions(options);
  workerScript(); // fails before anything is locked or written when the package is not built
  const lock = await DataDirLock.acquire(dataDir, Date.now());
  const primary = new ClusterPrimary(dataDir, lock, log, limiter);
  const started = (async () => {
    await prepareState(workerOptions);
    const shared = await forkWorkers(primary, count, workerOptions);
    const info: EmulatorInfo = { ...shared, pid: process.pid, startedAt: new Date().toISOString() };
    await lock.describe(info.endpoint);
    const infoFile = await writeEmulatorInfo(info);
    primary.info = info;
    return { info, infoFile };
  })();
  if (handleSignals) primary.handleSignals(started);
  let published: { info: EmulatorInfo; infoFile: string };
  try {
    published = await started;
  } catch (e) {
    await primary.shutdown();
    throw toEmulatorError(e);
  }
  primary.log('info', `cluster of ${count} workers listening on ${published.info.endpoint}`);
  return {
    ...published,
    get workerPids() {
      return [...primary.live].map((w) => w.process.pid).filter((pid): pid is number => pid !== undefined);
    },
    close: () => primary.shutdown(),
  };
}
