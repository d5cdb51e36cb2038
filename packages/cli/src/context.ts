import type { GlobalValues } from './global-options.js';
import type { JsonValue } from './json.js';
import { redact } from './redact.js';
import type { ArgSource } from './spec.js';

/** A stream the CLI writes to. */
export interface OutputStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** An input stream the CLI reads from (confirmations, `token decode -`). */
export interface InputStream extends AsyncIterable<string | Uint8Array> {
  readonly isTTY?: boolean;
}

/** Everything the CLI touches outside itself; `processIo()` gives the real ones, tests may pass their own. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly stdin: InputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Current time in milliseconds since the epoch (injected clock). */
  readonly now: () => number;
}

/** The real process streams, environment, working folder and clock. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    now: () => Date.now(),
  };
}

/** How much the CLI says on stderr. */
export type LogLevel = 'errors' | 'default' | 'verbose' | 'debug';

/** Writes redacted, prefixed lines to stderr according to --only-show-errors / --verbose / --debug. */
export class Logger {
  readonly level: LogLevel;
  readonly #stderr: OutputStream;

  constructor(stderr: OutputStream, level: LogLevel) {
    this.#stderr = stderr;
    this.level = level;
  }

  static fromOptions(stderr: OutputStream, options: Partial<GlobalValues>): Logger {
    const level: LogLevel = options.debug
      ? 'debug'
      : options.verbose
        ? 'verbose'
        : options['only-show-errors']
          ? 'errors'
          : 'default';
    return new Logger(stderr, level);
  }

  #line(prefix: string, message: string): void {
    this.#stderr.write(`${prefix}${redact(message)}\n`);
  }

  /** An error line, always shown. */
  error(message: string): void {
    this.#line('', message);
  }

  /** Warnings and notices (e.g. "using the local emulator"); hidden by --only-show-errors. */
  warn(message: string): void {
    if (this.level !== 'errors') this.#line('WARNING: ', message);
  }

  /** A plain notice such as a summary; hidden by --only-show-errors. */
  notice(message: string): void {
    if (this.level !== 'errors') this.#line('', message);
  }

  /** Progress information, shown with --verbose or --debug. */
  info(message: string): void {
    if (this.level === 'verbose' || this.level === 'debug') this.#line('INFO: ', message);
  }

  get isDebug(): boolean {
    return this.level === 'debug';
  }

  /** Details, shown with --debug. */
  debug(message: string): void {
    if (this.level === 'debug') this.#line('DEBUG: ', message);
  }
}

/** What every command handler receives besides its arguments. */
export interface CommandContext {
  readonly io: CliIo;
  readonly log: Logger;
  readonly global: GlobalValues;
  /** Where each option's value came from: the command line, its environment variable, or its default. */
  readonly sources: Readonly<Record<string, ArgSource>>;
  /** Prints a value on stdout now, formatted by --output and --query (for long-running commands). */
  readonly print: (value: JsonValue | undefined) => Promise<void>;
}
