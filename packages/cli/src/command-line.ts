import { helpTarget, helpWidth, renderHelp, wantsHelp, wantsVersion } from './help.js';
import {
  BIN,
  COMMANDS,
  CONNECTION_OPTIONS,
  type CommandId,
  type CommandSpec,
  GLOBAL_OPTIONS,
  type OptionSpec,
} from './options.js';

/** The outcome of parsing a command line. */
export type ParseOutcome =
  | { readonly kind: 'command'; readonly id: CommandId; readonly args: Record<string, unknown> }
  /** Help, version or completion text to print. */
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'error'; readonly message: string };

/**
 * A command line made only of a command's words and its positional argument, with no option at all: every option then
 * has its default, so the typed definition gives the same values yargs would (a unit test compares the two for every
 * command). Anything else, including an empty word, returns undefined and goes to yargs.
 */
export function parseWithoutOptions(argv: readonly string[]): ParseOutcome | undefined {
  if (argv.some((arg) => arg === '' || arg.startsWith('-'))) return undefined;
  const spec: CommandSpec | undefined = (COMMANDS as readonly CommandSpec[]).find(
    (c) => argv.length >= c.path.length && c.path.every((word, i) => argv[i] === word),
  );
  if (!spec) return undefined;
  const rest = argv.slice(spec.path.length);
  const most = spec.positional ? 1 : 0;
  const least = spec.positional && !spec.positional.optional ? 1 : 0;
  if (rest.length < least || rest.length > most) return undefined;
  const options: Record<string, OptionSpec> = {
    ...spec.options,
    ...(spec.groups.includes('connection') ? CONNECTION_OPTIONS : {}),
    ...GLOBAL_OPTIONS,
  };
  if (Object.values(options).some((option) => option.required)) return undefined;
  const args: Record<string, unknown> = { _: [...spec.path], $0: BIN };
  for (const [name, option] of Object.entries(options)) {
    if (option.default === undefined) continue;
    args[name] = option.default;
    for (const alias of option.alias ?? []) args[alias] = option.default;
  }
  if (spec.positional && rest[0] !== undefined) args[spec.positional.name] = rest[0];
  return { kind: 'command', id: spec.path.join(' ') as CommandId, args };
}

/**
 * Reads a command line without running anything. Help, the version and option-free command lines are answered from
 * the typed definition; everything else is parsed by yargs, which is loaded only then. `version` is called only for
 * `--version` (it reads package.json).
 */
export async function parseCommandLine(
  argv: readonly string[],
  version: () => string,
  columns: number | undefined = undefined,
): Promise<ParseOutcome> {
  if (wantsHelp(argv)) return { kind: 'text', text: renderHelp(helpTarget(argv), helpWidth(columns)) };
  if (wantsVersion(argv)) return { kind: 'text', text: version() };
  const direct = parseWithoutOptions(argv);
  if (direct) return direct;
  const { parseWithYargs } = await import('./parser.js');
  return parseWithYargs(argv);
}
