import type { Argv, Options } from 'yargs';
import yargs from 'yargs';
import { BIN, COMPLETION_SUMMARY, CONNECTION_OPTIONS, GLOBAL_OPTIONS } from './global-options.js';
import { COMMAND_GROUPS, COMMAND_SUBGROUPS, COMMANDS, type CommandId } from './options.js';
import type { RawOutcome } from './parsed.js';
import { type CommandSpec, type OptionSpec, positionalUsage } from './spec.js';

/**
 * Converts one option of the typed definition to yargs' form. Without its description: help screens come from help.ts,
 * and yargs lays out a help message on every command it runs (to have it ready), which with descriptions cost more
 * than the parse itself. Numbers are read as the text typed and defaults are left out: resolve.ts converts every value
 * (echoing what was typed when it is not a number) and fills the absent ones from the environment, then the defaults.
 */
export function toYargsOption(spec: OptionSpec): Options {
  const option: Options = {
    type: spec.type === 'array' ? 'array' : spec.type === 'number' ? 'string' : spec.type,
  };
  if (spec.type === 'array') option.string = true;
  const aliases = [...(spec.alias ?? []), ...(spec.deprecatedAlias ?? [])];
  if (aliases.length > 0) option.alias = aliases;
  if (spec.choices) option.choices = [...spec.choices];
  if (spec.required && spec.env === undefined) option.demandOption = true;
  return option;
}

function addOptions(y: Argv, options: Readonly<Record<string, OptionSpec>>): Argv {
  let out = y;
  for (const [name, spec] of Object.entries(options)) {
    out = out.option(name, toYargsOption(spec));
    // An old flag meaning --no-<name> (--http): read as a boolean of its own, turned around by resolve.ts.
    for (const old of spec.deprecatedNegation ?? []) out = out.option(old, { type: 'boolean' });
  }
  return out;
}

/** Global options are declared once, at the top, as yargs globals: every command inherits them and their check. */
function addGlobalOptions(y: Argv): Argv {
  let out = y;
  for (const [name, spec] of Object.entries(GLOBAL_OPTIONS)) {
    out = out.option(name, { ...toYargsOption(spec), global: true });
  }
  return out.check((args) => checkValues(args, GLOBAL_OPTIONS), true);
}

function checkValues(args: Record<string, unknown>, options: Readonly<Record<string, OptionSpec>>): true {
  for (const [name, spec] of Object.entries(options)) {
    const value = args[name];
    if (value === undefined) continue;
    if ((spec.type === 'string' || spec.type === 'number') && Array.isArray(value)) {
      throw new Error(`--${name} was given more than once; give it once`);
    }
    if ((spec.type === 'string' || spec.type === 'number') && value === '') {
      throw new Error(`--${name} needs a value`);
    }
  }
  return true;
}

function addCommand(
  y: Argv,
  spec: CommandSpec,
  select: (id: CommandId, args: Record<string, unknown>) => void,
): Argv {
  const leaf = spec.path[spec.path.length - 1] as string;
  const positional = positionalUsage(spec);
  const id = spec.path.join(' ') as CommandId;
  return y.command(
    `${leaf}${positional}`,
    spec.summary,
    (c) => {
      let b = c;
      if (spec.positional) {
        b = b.positional(spec.positional.name, { type: 'string' });
      }
      b = addOptions(b, spec.options);
      if (spec.groups.includes('connection')) b = addOptions(b, CONNECTION_OPTIONS);
      const all = { ...spec.options, ...(spec.groups.includes('connection') ? CONNECTION_OPTIONS : {}) };
      return b.check((args) => checkValues(args, all));
    },
    (args) => select(id, args as Record<string, unknown>),
  );
}

/**
 * Builds the yargs parser from the typed definition in options.ts. Help and version are not yargs': command-line.ts
 * answers them from the same definition before this module is loaded.
 */
export function buildParser(
  select: (id: CommandId, args: Record<string, unknown>) => void,
  onlyGroup?: string,
): Argv {
  let y = yargs()
    .scriptName(BIN)
    .parserConfiguration({ 'camel-case-expansion': false })
    .strict()
    .showHelpOnFail(false)
    .exitProcess(false)
    .wrap(null)
    .help(false)
    .version(false);
  y = addGlobalOptions(y);
  for (const [group, description] of Object.entries(COMMAND_GROUPS)) {
    if (onlyGroup !== undefined && group !== onlyGroup) continue;
    const leaves: readonly CommandSpec[] = COMMANDS.filter((c) => c.path[0] === group);
    y = y.command(group, description, (g) => {
      let b = g;
      const choices: string[] = [];
      for (const leaf of leaves) {
        if (leaf.path.length === 2) {
          b = addCommand(b, leaf, select);
          choices.push(`${group} ${leaf.path[1]}`);
        }
      }
      // Three-word commands (`emulator role assign`) sit under a sub-group (`emulator role`).
      for (const [name, subDescription] of Object.entries(COMMAND_SUBGROUPS)) {
        const [parent, sub] = name.split(' ') as [string, string];
        if (parent !== group) continue;
        const subLeaves = leaves.filter((l) => l.path.length === 3 && l.path[1] === sub);
        choices.push(name);
        b = b.command(sub, subDescription, (s) => {
          let c = s;
          for (const leaf of subLeaves) c = addCommand(c, leaf, select);
          return c.demandCommand(1, `Choose a command: ${subLeaves.map((l) => l.path.join(' ')).join(', ')}`);
        });
      }
      return b.demandCommand(1, `Choose a command: ${choices.join(', ')}`);
    });
  }
  return y
    .completion('completion', COMPLETION_SUMMARY)
    .demandCommand(1, `Choose a command: ${Object.keys(COMMAND_GROUPS).join(', ')}, completion`);
}

/** Parses a command line with yargs, without running anything (help and version are answered before this). */
export function parseWithYargs(argv: readonly string[]): RawOutcome {
  let selected: { id: CommandId; args: Record<string, unknown> } | undefined;
  let error: string | undefined;
  let text = '';
  // A command line that starts with a group's name can only reach that group: the others are not declared.
  const first = argv[0];
  const onlyGroup = first !== undefined && Object.hasOwn(COMMAND_GROUPS, first) ? first : undefined;
  const parser = buildParser((id, args) => {
    selected = { id, args };
  }, onlyGroup);
  parser.parse([...argv], {}, (err, _args, output) => {
    if (err) error = err.message;
    if (output) text = output;
  });
  if (error !== undefined) return { kind: 'error', message: error };
  if (selected && !text) return { kind: 'command', id: selected.id, args: selected.args };
  return { kind: 'text', text };
}
