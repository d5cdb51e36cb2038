/**
 * The one way to start an emulator from its start options (the package bin does, and `acs-identity emulator start`
 * can): one process, or a cluster of workers sharing the port and the data folder.
 */
import { availableParallelism } from 'node:os';
import { type RunningEmulatorCluster, startEmulatorCluster } from './cluster.js';
import { type RunningEmulator, startEmulator } from './emulator.js';
import type { EmulatorStartOptions } from './options.js';

/** A started emulator: one process, or a cluster (with `workerPids`). */
export type LaunchedEmulator = RunningEmulator | RunningEmulatorCluster;

/**
 * Starts the emulator as `options.workers` says: `1` (the default) in this process (`startEmulator`), `0` one worker
 * per CPU core, more that many workers (`startEmulatorCluster`, whose signals the caller handles). Takes the data
 * folder's lock either way.
 */
export function launchEmulator(options: EmulatorStartOptions = {}): Promise<LaunchedEmulator> {
  const { workers = 1, now, ...emulatorOptions } = options;
  if (workers === 1) return startEmulator({ ...emulatorOptions, ...(now === undefined ? {} : { now }) });
  return startEmulatorCluster({
    ...emulatorOptions,
    // The default clock is the workers' own; an injected one cannot cross processes (refused there).
    ...(now === undefined || now === Date.now ? {} : { now }),
    workers: workers === 0 ? availableParallelism() : workers,
    handleSignals: false,
  } as Parameters<typeof startEmulatorCluster>[0]);
}
