/** What reading a command line gives: a command with its arguments, a text to print, or a usage error. Types only. */
import type { CommandId } from './options.js';
import type { ArgSource } from './spec.js';

/** Help, version or completion text to print. */
export interface TextOutcome {
  readonly kind: 'text';
  readonly text: string;
}

/** A command line that cannot run, and what to do about it. */
export interface ErrorOutcome {
  readonly kind: 'error';
  /** `INVALID_OPTIONS` for a bad environment variable; otherwise a usage error. */
  readonly code?: 'INVALID_OPTIONS';
  readonly message: string;
  readonly hint?: string;
}

/** A command as the parser read it: the words' values, before environment variables and defaults. */
export interface RawCommand {
  readonly kind: 'command';
  readonly id: CommandId;
  readonly args: Record<string, unknown>;
}

/** What a parser (the option-free fast path or yargs) gives. */
export type RawOutcome = RawCommand | TextOutcome | ErrorOutcome;

/** A command ready to run: every option resolved (given, environment variable, default) and checked. */
export interface CommandOutcome {
  readonly kind: 'command';
  readonly id: CommandId;
  readonly args: Record<string, unknown>;
  /** Where each option's value came from. */
  readonly sources: Readonly<Record<string, ArgSource>>;
  /** Deprecation warnings to print on stderr (az's old command and flag names). */
  readonly warnings: readonly string[];
}

/** The outcome of reading a command line. */
export type ParseOutcome = CommandOutcome | TextOutcome | ErrorOutcome;
