export { run } from './cli.js';
export type { CliIo, InputStream, OutputStream } from './context.js';
export {
  CLI_ERROR_CODES,
  CliError,
  type CliErrorCode,
  type ExitCode,
  isCliError,
  toCliError,
} from './errors.js';
export type { CommandArgs, CommandHandler } from './handler.js';
export {
  COMMANDS,
  type CommandSpec,
  GLOBAL_OPTIONS,
  type OptionSpec,
  OUTPUT_FORMATS,
  type OutputFormat,
} from './options.js';
