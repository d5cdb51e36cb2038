/**
 * Checks the shape of a command line against the typed definition before anything is parsed or loaded: misspelled
 * command words and unknown options get az's "did you mean", a missing argument says which, and az's deprecated flag
 * names are noticed. Pure code over the definition: no yargs, no Azure SDK, so mistakes are answered at once.
 */

import { indexOptions, type OptionName, optionsOf } from './command-options.js';
import { BIN, BUILTIN_OPTIONS, GLOBAL_OPTIONS } from './global-options.js';
import { COMMANDS } from './options.js';
import type { ErrorOutcome } from './parsed.js';
import type { CommandSpec, OptionSpec, PositionalSpec } from './spec.js';
import { closest } from './suggest.js';

/** A command line whose shape is right, with the deprecation warnings it earns. */
export interface CheckedLine {
  readonly kind: 'checked';
  readonly warnings: readonly string[];
}

/** True for a word that is an option: `-o`, `--output`, `--output=json`; not `-` (stdin) nor a negative number. */
export function isFlag(word: string): boolean {
  return word.startsWith('-') && word !== '-' && !/^-\d/.test(word);
}

const ROOT_OPTIONS = indexOptions({ ...GLOBAL_OPTIONS, ...BUILTIN_OPTIONS });

/** Every option of every command, for reading option values before the command is known. */
const ANY_OPTIONS = indexOptions(
  Object.assign({}, BUILTIN_OPTIONS, ...(COMMANDS as readonly CommandSpec[]).map((c) => optionsOf(c))),
);

/** The option a flag names (`--no-x` for a boolean `x`), or undefined. */
function lookup(index: ReadonlyMap<string, OptionName>, flag: string): OptionName | undefined {
  const name = flag.replace(/^--?/, '').split('=')[0] ?? '';
  const found = index.get(name);
  if (found || !name.startsWith('no-')) return found;
  const negated = index.get(name.slice(3));
  if (negated?.spec.type !== 'boolean') return undefined;
  // `--no-http`, the negation of an old flag that meant `--no-tls`, means `--tls`.
  return negated.negated ? { name: negated.name, spec: negated.spec, deprecated: true } : negated;
}

/** How many of the words after `flag` are its values. */
function valueCount(flag: string, spec: OptionSpec | undefined, rest: readonly string[]): number {
  // An unknown option is reported, not read: the words after it are still the command's.
  if (flag.includes('=') || spec === undefined) return 0;
  if (spec.type === 'boolean') return rest[0] === 'true' || rest[0] === 'false' ? 1 : 0;
  const values = rest.findIndex(isFlag);
  const available = values === -1 ? rest.length : values;
  if (spec.type === 'array') return available;
  return Math.min(1, available);
}

/** The flags of a word: `--output`, or each letter of a group of short flags (`-yo`). */
function flagsOf(word: string): string[] {
  if (word.startsWith('--') || word.length <= 2) return [word];
  return [...(word.slice(1).split('=')[0] ?? '')].map((letter) => `-${letter}`);
}

/** The next level of the command tree: the words allowed after `path`, and whether a word there ends the command. */
function nextWords(path: readonly string[]): {
  words: string[];
  leaf: (word: string) => CommandSpec | undefined;
} {
  const depth = path.length;
  const specs = (COMMANDS as readonly CommandSpec[]).filter(
    (c) => c.path.length > depth && path.every((w, i) => c.path[i] === w),
  );
  const words = [...new Set(specs.map((c) => c.path[depth] as string))];
  if (depth === 0) words.push('completion');
  const leaf = (word: string) => specs.find((c) => c.path.length === depth + 1 && c.path[depth] === word);
  return { words, leaf };
}

function misspelled(word: string, path: readonly string[], candidates: readonly string[]): ErrorOutcome {
  const guess = closest(word, candidates);
  const where = [BIN, ...path].join(' ');
  return {
    kind: 'error',
    message: `'${word}' is misspelled or not recognized by the system.${guess ? ` Did you mean '${guess}'?` : ''}`,
    hint: `See \`${where} --help\` for the commands.`,
  };
}

/** An option no command of this line has; `options` are those it could have been, `where` the command's words. */
function unknownOption(
  flag: string,
  options: Readonly<Record<string, OptionSpec>>,
  where: string,
): ErrorOutcome {
  const name = flag.split('=')[0] ?? flag;
  const guess = name.startsWith('--') ? closest(name.slice(2), Object.keys(options)) : undefined;
  return {
    kind: 'error',
    message: `Unknown argument: ${name}.${guess ? ` Did you mean '--${guess}'?` : ''}`,
    hint: `See \`${where} --help\` for the options.`,
  };
}

function missingArgument(spec: CommandSpec, positional: PositionalSpec): ErrorOutcome {
  const example = spec.examples[0]?.[0];
  return {
    kind: 'error',
    message: `${spec.path.join(' ')} needs its argument <${positional.name}>: ${positional.description}`,
    hint: `Usage: ${BIN} ${spec.path.join(' ')} <${positional.name}> [options]${example ? `, e.g. ${example}` : ''}.`,
  };
}

function deprecation(flag: string, option: OptionName): string {
  const current = `--${option.negated ? 'no-' : ''}${option.name}`;
  return `Option '${flag}' has been deprecated and will be removed in a future release. Use '${current}' instead.`;
}

/**
 * Walks a command line: the command words (each checked against the tree, with a suggestion for a typo), then every
 * option against the command's options. Leaves to the parser what only it decides (values, a missing command).
 */
export function checkCommandLine(argv: readonly string[]): CheckedLine | ErrorOutcome {
  if (argv.includes('--get-yargs-completions')) return { kind: 'checked', warnings: [] };
  const end = argv.indexOf('--');
  const head = end === -1 ? argv : argv.slice(0, end);
  const path: string[] = [];
  let leaf: CommandSpec | undefined;
  let index = ANY_OPTIONS;
  const flags: string[] = [];
  let positionals = end === -1 ? 0 : argv.length - end - 1;
  for (let i = 0; i < head.length; i += 1) {
    const word = head[i] as string;
    if (isFlag(word)) {
      const parts = flagsOf(word);
      flags.push(...parts);
      const last = lookup(index, parts[parts.length - 1] as string);
      i += valueCount(word, last?.spec, head.slice(i + 1));
      continue;
    }
    if (leaf) {
      positionals += 1;
      continue;
    }
    if (path[0] === 'completion') return { kind: 'checked', warnings: [] };
    const next = nextWords(path);
    if (!next.words.includes(word)) return misspelled(word, path, next.words);
    path.push(word);
    leaf = next.leaf(word);
    if (leaf) index = indexOptions({ ...optionsOf(leaf), ...BUILTIN_OPTIONS });
  }
  if (!leaf) {
    const unknown = flags.find((flag) => !lookup(ROOT_OPTIONS, flag));
    if (unknown === undefined || path.length > 0) return { kind: 'checked', warnings: [] };
    return unknownOption(unknown, { ...GLOBAL_OPTIONS, ...BUILTIN_OPTIONS }, BIN);
  }
  const warnings: string[] = [];
  for (const flag of flags) {
    const option = lookup(index, flag);
    if (!option) {
      return unknownOption(flag, { ...optionsOf(leaf), ...BUILTIN_OPTIONS }, `${BIN} ${leaf.path.join(' ')}`);
    }
    if (option.deprecated) warnings.push(deprecation(flag, option));
  }
  if (leaf.positional && !leaf.positional.optional && positionals === 0) {
    return missingArgument(leaf, leaf.positional);
  }
  return { kind: 'checked', warnings };
}
