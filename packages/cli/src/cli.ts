import { readFileSync } from 'node:fs';
import { parseCommandLine } from './command-line.js';
import { type CliIo, type CommandContext, Logger, processIo } from './context.js';
import { CliError, type ExitCode, formatErrorLine, toCliError } from './errors.js';
import type { CommandId, GlobalValues } from './options.js';
import { type JsonValue, renderResult } from './output.js';
import { redact } from './redact.js';

/** A command implementation: returns what to print (undefined prints nothing). */
export type CommandHandler = (
  args: Record<string, unknown>,
  context: CommandContext,
) => Promise<JsonValue | undefined>;

/**
 * Where each command lives. Modules are imported only when their command runs, so `--help` and the offline commands
 * never load the Azure SDKs, the emulator or the gateway.
 */
const HANDLERS: Record<CommandId, () => Promise<CommandHandler>> = {
  'user create': async () => (await import('./commands/user.js')).userCreate,
  'user delete': async () => (await import('./commands/user.js')).userDelete,
  'token issue': async () => (await import('./commands/token.js')).tokenIssue,
  'token revoke': async () => (await import('./commands/token.js')).tokenRevoke,
  'token get-for-teams-user': async () => (await import('./commands/token.js')).tokenGetForTeamsUser,
  'token decode': async () => (await import('./commands/decode.js')).tokenDecode,
  'identifier parse': async () => (await import('./commands/identifier.js')).identifierParse,
  'emulator start': async () => (await import('./commands/emulator.js')).emulatorStart,
  'emulator rotate-key': async () => (await import('./commands/emulator.js')).emulatorRotateKey,
  'emulator entra token': async () => (await import('./commands/entra.js')).emulatorEntraToken,
  'emulator role assign': async () => (await import('./commands/entra.js')).emulatorRoleAssign,
  'emulator role remove': async () => (await import('./commands/entra.js')).emulatorRoleRemove,
  'emulator role list': async () => (await import('./commands/entra.js')).emulatorRoleList,
  'resource identity assign': async () => (await import('./commands/resource.js')).resourceIdentityAssign,
  'resource identity remove': async () => (await import('./commands/resource.js')).resourceIdentityRemove,
  'resource identity show': async () => (await import('./commands/resource.js')).resourceIdentityShow,
  'gateway start': async () => (await import('./commands/gateway.js')).gatewayStart,
};

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

function globalsOf(args: Record<string, unknown>): GlobalValues {
  return args as unknown as GlobalValues;
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
    const outcome = await parseCommandLine(argv, readVersion, io.stdout.columns);
    if (outcome.kind === 'error') throw new CliError('USAGE', outcome.message);
    if (outcome.kind === 'text') {
      if (outcome.text) io.stdout.write(`${outcome.text}\n`);
      return 0;
    }
    global = globalsOf(outcome.args);
    log = Logger.fromOptions(io.stderr, global);
    log.debug(`command: ${outcome.id}`);
    const handler = await HANDLERS[outcome.id]();
    const format = global.output;
    const query = global.query;
    const print = async (value: JsonValue | undefined) => {
      const text = await renderResult(value, format, query);
      if (text !== undefined && text !== '') io.stdout.write(`${text}\n`);
    };
    const started = io.now();
    await print(await handler(outcome.args, { io, log, global, print }));
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
