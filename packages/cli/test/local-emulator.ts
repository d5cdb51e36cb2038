import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmulatorLogger, type RunningEmulator, startEmulator } from '@acs-identity/emulator';

/** A real emulator for a suite: its data in `workDir/.acs-identity`, and an empty folder where none is found. */
export interface LocalEmulator {
  readonly emulator: RunningEmulator;
  /** The folder holding the emulator's data: commands run here find it through emulator.json. */
  readonly workDir: string;
  /** A folder without emulator.json. */
  readonly emptyDir: string;
  /** The emulator's connection string and CA, given explicitly. */
  readonly explicit: string[];
  close(): Promise<void>;
}

/** Starts an emulator on a free port (no rate limits) in a fresh temporary folder named after `name`. */
export async function startLocalEmulator(
  name: string,
  logger: EmulatorLogger | false = false,
): Promise<LocalEmulator> {
  const workDir = mkdtempSync(join(tmpdir(), `${name}-`));
  const emptyDir = mkdtempSync(join(tmpdir(), `${name}-empty-`));
  const emulator = await startEmulator({
    port: 0,
    dataDir: join(workDir, '.acs-identity'),
    logger,
    rateLimits: false,
  });
  return {
    emulator,
    workDir,
    emptyDir,
    explicit: [
      '--connection-string',
      emulator.info.connectionString,
      '--ca-cert',
      emulator.info.caCertFile ?? '',
    ],
    async close() {
      await emulator.close();
      rmSync(workDir, { recursive: true, force: true });
      rmSync(emptyDir, { recursive: true, force: true });
    },
  };
}
