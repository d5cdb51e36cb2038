import { resolve } from 'node:path';
import { onStopSignals } from '@acs-identity/core/server';
import { type DemoErrorCode, isDemoError, toDemoError } from '../errors.js';
import { banner } from './banner.js';
import { readStartOptions, startHelp } from './options.js';
import { assertPortsFree, type Stack, startStack } from './stack.js';

/**
 * `npm start`: the whole local stack in one command. scripts/start.mjs builds this program when it is missing and runs
 * {@link main}; it builds the rest (turbo, cached), starts the emulator, the gateway in development mode and the demo,
 * prints one block with the URLs, and runs until Ctrl-C.
 */

export interface StartRun {
  /** The repository root: relative data folders are taken from it, and the packages are found under it. */
  root: string;
  /** Builds every package (turbo, cached); called unless `--no-build`. */
  build(): void;
  /** Where the block goes. @default console.log */
  print?: (text: string) => void;
}

/** Exit codes, by error code: a wrong flag is a usage error (2); anything else that stops the start is 1. */
const EXIT_CODES: Partial<Record<DemoErrorCode, number>> = { INVALID_OPTIONS: 2 };

function fail(e: unknown): number {
  const error = toDemoError(e);
  // Errors of this project say what to do: shown as they are, never with a stack trace.
  let message = error.code === 'UNEXPECTED' && e instanceof Error ? e.message : error.message;
  if (error.code === 'PORT_IN_USE' && !isDemoError(e)) {
    message += ' Pick other ports with --emulator-port, --gateway-port, --demo-port.';
  }
  console.error(`npm start: ${message}`);
  return EXIT_CODES[error.code] ?? 1;
}

/**
 * Runs `npm start` with `argv`. Resolves with an exit code when it is done (help, a wrong flag, a failed start), or
 * with `undefined` once the stack runs: Ctrl-C (SIGINT) or SIGTERM then stops it and exits.
 */
export async function main(argv: readonly string[], run: StartRun): Promise<number | undefined> {
  let options: ReturnType<typeof readStartOptions>;
  try {
    options = readStartOptions(argv, process.env);
  } catch (e) {
    return fail(e);
  }
  if (options.help) {
    console.log(startHelp());
    return 0;
  }
  const settings = { ...options, dataDir: resolve(run.root, options.dataDir) };
  let stack: Stack;
  try {
    await assertPortsFree(settings);
    if (!options.noBuild) run.build();
    stack = await startStack(settings, run.root);
  } catch (e) {
    return fail(e);
  }
  (run.print ?? console.log)(banner(stack, settings.dataDir));
  onStopSignals(async (signal) => {
    process.stdout.write(`\n${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping… `);
    await stack.stop();
    process.stdout.write('stopped.\n');
    process.exit(0);
  });
  return undefined;
}
