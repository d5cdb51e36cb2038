import { optionsOf } from './command-options.js';
import { replaceDeprecatedCommand } from './deprecated.js';
import { BIN } from './global-options.js';
import { helpTarget, helpWidth, renderHelp, wantsHelp, wantsVersion, wrap } from './help.js';
import { COMMANDS, type CommandId, DEPRECATED_COMMANDS } from './options.js';
import type { ParseOutcome, RawCommand } from './parsed.js';
import { resolveCommand } from './resolve.js';
import type { CommandSpec } from './spec.js';

export type { ParseOutcome } from './parsed.js';

/**
 * A command line made only of a command's words and its positional argument, with no option at all: the typed
 * definition then gives the same raw values yargs would (a unit test compares the two for every command). Anything
 * else, including an empty word or a command with a required option, returns undefined and goes to yargs.
 */
export function parseWithoutOptions(argv: readonly string[]): RawCommand | undefined {
  if (argv.some((arg) => arg === '' || arg.startsWith('-'))) return undefined;
  const spec: CommandSpec | undefined = (COMMANDS as readonly CommandSpec[]).find(
    (c) => argv.length >= c.path.length && c.path.every((word, i) => argv[i] === word),
  );
  if (!spec) return undefined;
  const rest = argv.slice(spec.path.length);
  const most = spec.positional ? 1 : 0;
  const least = spec.positional && !spec.positional.optional ? 1 : 0;
  if (rest.length < least || rest.length > most) return undefined;
  if (Object.values(optionsOf(spec)).some((option) => option.required)) return undefined;
  const args: Record<string, unknown> = { _: [...spec.path], $0: BIN };
  if (spec.positional && rest[0] !== undefined) args[spec.positional.name] = rest[0];
  return { kind: 'command', id: spec.path.join(' ') as CommandId, args };
}

/** What `acs-identity` alone prints, as `az` alone does: a welcome, then the top-level help. */
function welcome(width: number): string {
  return [
    `Welcome to ${BIN}!`,
    '',
    ...wrap(
      `Use \`${BIN} --version\` to display the current version, and \`${BIN} <command> --help\` for a command's options.`,
      width,
    ),
    '',
    renderHelp({ kind: 'root' }, width),
  ].join('\n');
}

/**
 * Reads a command line without running anything. Help, the version, a bare `acs-identity` and option-free command
 * lines are answered from the typed definition; any other line is first checked against it (check.ts: misspelled
 * words, unknown options, a missing argument), then parsed by yargs, which is loaded only then. Every option is then resolved from the command line, its
 * environment variable (`env`) or its default. `version` is called only for `--version` (it reads package.json).
 */
export async function parseCommandLine(
  argv: readonly string[],
  version: () => string,
  columns: number | undefined = undefined,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<ParseOutcome> {
  const line = replaceDeprecatedCommand(argv, DEPRECATED_COMMANDS);
  if (wantsHelp(line.argv)) {
    return { kind: 'text', text: renderHelp(helpTarget(line.argv), helpWidth(columns)) };
  }
  if (wantsVersion(line.argv)) return { kind: 'text', text: version() };
  if (line.argv.length === 0) return { kind: 'text', text: welcome(helpWidth(columns)) };
  const direct = parseWithoutOptions(line.argv);
  if (direct) return resolveCommand(direct, env, line.warnings);
  // Everything else is checked against the definition first (typos, unknown options), then parsed by yargs.
  const { checkCommandLine } = await import('./check.js');
  const checked = checkCommandLine(line.argv);
  if (checked.kind === 'error') return checked;
  const { parseWithYargs } = await import('./parser.js');
  const raw = parseWithYargs(line.argv);
  if (raw.kind !== 'command') return raw;
  return resolveCommand(raw, env, [...line.warnings, ...checked.warnings]);
}
