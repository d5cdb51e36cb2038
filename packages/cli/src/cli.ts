import { readFileSync } from 'node:fs';
import { parseCommandLine } from './command-line.js';
import { type CliIo, type CommandContext, Logger, processIo } from './context.js';
import { CliError, describeError, type ExitCode, formatErrorLine, toCliError } from './errors.js';
import type { GlobalValues } from './global-options.js';
import { loadCommand } from './handlers.js';
import type { JsonValue } from './json.js';
import { commandById } from './options.js';
import { checkQuery, renderResult } from './output.js';
import type { CommandOutcome } from './parsed.js';
import { redact } from './redact.js';

/** The package version, from this package's package.json (found from dist/ and from the bundle in dist/bundle/). */
function readVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === '@acs-identity/cli' && pkg.version) return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
}

/** The global options of a resolved command line (resolve.ts gave every one of them its value or default). */
function globalsOf(outcome: CommandOutcome): GlobalValues {
  return outcome.args as unknown as GlobalValues;
}

/**
 * Runs one resolved command: checks its --query first (nothing is done with a query that cannot run), then calls its
 * implementation and prints the result. A command that removes something the service says is already gone succeeds,
 * as it does when the service answers 204 for it (`whenGone` in its declaration, `gone` in the error table); --verbose
 * says so.
 */
async function runCommand(outcome: CommandOutcome, context: CommandContext): Promise<void> {
  const { global, log } = context;
  if (global.query !== undefined) await checkQuery(global.query);
  const run = await loadCommand(outcome.id);
  const whenGone = commandById(outcome.id)?.whenGone;
  let result: JsonValue | undefined;
  try {
    result = await run(outcome.args, context);
  } catch (thrown) {
    const error = toCliError(thrown);
    if (whenGone === undefined || !error.gone) throw error;
    log.info(`${whenGone} (${describeError(error)})`);
    return;
  }
  await context.print(result);
}

/**
 * Runs the CLI with the given arguments (without `node` and the script) and returns the exit code: 0 ok,
 * 1 service or runtime error, 2 usage error, 3 not found.
 */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  const wantsDebug = argv.includes('--debug');
  let log = new Logger(
    io.stderr,
    wantsDebug ? 'debug' : argv.includes('--only-show-errors') ? 'errors' : 'default',
  );
  let global: GlobalValues | undefined;
  try {
    const outcome = await parseCommandLine(argv, readVersion, io.stdout.columns, io.env);
    if (outcome.kind === 'error') {
      const hint = outcome.hint === undefined ? {} : { hint: outcome.hint };
      throw new CliError(outcome.code ?? 'USAGE', outcome.message, hint);
    }
    if (outcome.kind === 'text') {
      if (outcome.text) io.stdout.write(`${outcome.text}\n`);
      return 0;
    }
    global = globalsOf(outcome);
    log = Logger.fromOptions(io.stderr, global);
    for (const warning of outcome.warnings) log.warn(warning);
    log.debug(`command: ${outcome.id}`);
    const { output, query } = global;
    const print = async (value: JsonValue | undefined) => {
      const text = await renderResult(value, output, query);
      if (text !== undefined && text !== '') io.stdout.write(`${text}\n`);
    };
    const started = io.now();
    await runCommand(outcome, { io, log, global, sources: outcome.sources, print });
    log.info(`Command ran in ${((io.now() - started) / 1000).toFixed(3)} seconds.`);
    return 0;
  } catch (thrown) {
    const error = toCliError(thrown);
    if (error.partialResult !== undefined && global) {
      const text = await renderResult(error.partialResult, global.output, global.query).catch(
        () => undefined,
      );
      if (text) io.stdout.write(`${text}\n`);
    }
    log.error(formatErrorLine(error));
    if (log.isDebug) {
      let cause: unknown = error;
      while (cause instanceof Error) {
        if (cause.stack) log.debug(redact(cause.stack));
        cause = cause.cause;
      }
    }
    return error.exitCode;
  }
}
