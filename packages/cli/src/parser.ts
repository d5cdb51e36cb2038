import type { Argv, Options } from 'yargs';
import yargs from 'yargs';
import {
  BUILTIN_OPTIONS,
  COMMAND_GROUPS,
  COMMAND_SUBGROUPS,
  COMMANDS,
  CONNECTION_OPTIONS,
  type CommandId,
  type CommandSpec,
  GLOBAL_OPTIONS,
  type OptionSpec,
} from './options.js';

export const BIN = 'acs-identity';
const GLOBAL_GROUP = 'Global Options:';
const CONNECTION_GROUP = 'Connection Options:';

/** The outcome of parsing a command line. */
export type ParseOutcome =
  | { readonly kind: 'command'; readonly id: CommandId; readonly args: Record<string, unknown> }
  /** Help, version or completion text to print. */
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'error'; readonly message: string };

function describe(spec: OptionSpec): string {
  return spec.env ? `${spec.description} Env: ${spec.env}.` : spec.description;
}

/** Converts one option of the typed definition to yargs' form. */
export function toYargsOption(spec: OptionSpec, group: string | undefined): Options {
  const option: Options = {
    type: spec.type === 'array' ? 'array' : spec.type,
    describe: describe(spec),
  };
  if (spec.type === 'array') option.string = true;
  if (spec.alias) option.alias = [...spec.alias];
  if (spec.choices) option.choices = [...spec.choices];
  if (spec.default !== undefined) option.default = spec.default;
  if (spec.required) option.demandOption = true;
  if (group) option.group = group;
  return option;
}

function addOptions(y: Argv, options: Readonly<Record<string, OptionSpec>>, group?: string): Argv {
  let out = y;
  for (const [name, spec] of Object.entries(options)) {
    out = out.option(name, toYargsOption(spec, group));
  }
  return out;
}

/**
 * Global options are declared on every level (not as yargs globals) so that each help screen lists the command's own
 * options first and the global ones last, as az does.
 */
function addGlobalOptions(y: Argv): Argv {
  let out = y;
  for (const [name, spec] of Object.entries(GLOBAL_OPTIONS)) {
    out = out.option(name, { ...toYargsOption(spec, GLOBAL_GROUP), global: false });
  }
  return out.group(['help', 'version'], GLOBAL_GROUP).check((args) => checkValues(args, GLOBAL_OPTIONS));
}

function checkValues(args: Record<string, unknown>, options: Readonly<Record<string, OptionSpec>>): true {
  for (const [name, spec] of Object.entries(options)) {
    const value = args[name];
    if (value === undefined) continue;
    if (spec.type === 'number' && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw new Error(`--${name} must be a number, got "${String(value)}"`);
    }
    if ((spec.type === 'string' || spec.type === 'number') && Array.isArray(value)) {
      throw new Error(`--${name} was given more than once; give it once`);
    }
    if (spec.type === 'string' && value === '') {
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
  const positional = spec.positional
    ? spec.positional.optional
      ? ` [${spec.positional.name}]`
      : ` <${spec.positional.name}>`
    : '';
  const id = spec.path.join(' ') as CommandId;
  return y.command(
    `${leaf}${positional}`,
    spec.summary,
    (c) => {
      let b = c.usage(
        `${BIN} ${id}${positional}${Object.keys(spec.options).length ? ' [options]' : ''}\n\n${spec.summary}`,
      );
      if (spec.positional) {
        b = b.positional(spec.positional.name, { type: 'string', describe: spec.positional.description });
      }
      b = addOptions(b, spec.options, 'Options:');
      if (spec.groups.includes('connection')) b = addOptions(b, CONNECTION_OPTIONS, CONNECTION_GROUP);
      b = addGlobalOptions(b);
      for (const [cmd, desc] of spec.examples) b = b.example(cmd, desc);
      if (spec.details) b = b.epilog(spec.details);
      const all = { ...spec.options, ...(spec.groups.includes('connection') ? CONNECTION_OPTIONS : {}) };
      return b.check((args) => checkValues(args, all));
    },
    (args) => select(id, args as Record<string, unknown>),
  );
}

/** Builds the yargs parser from the typed definition in options.ts. */
export function buildParser(
  version: string,
  select: (id: CommandId, args: Record<string, unknown>) => void,
): Argv {
  let y = yargs()
    .scriptName(BIN)
    .usage(
      `${BIN} <command> [options]\n\nACS identities and access tokens from the terminal; compatible with az communication user-identity.`,
    )
    .parserConfiguration({ 'camel-case-expansion': false })
    .strict()
    .showHelpOnFail(false)
    .exitProcess(false)
    .wrap(Math.min(120, process.stdout.columns || 100));
  y = addGlobalOptions(y);
  for (const [group, description] of Object.entries(COMMAND_GROUPS)) {
    const leaves: readonly CommandSpec[] = COMMANDS.filter((c) => c.path[0] === group);
    y = y.command(group, description, (g) => {
      let b = g.usage(`${BIN} ${group} <command> [options]\n\n${description}`);
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
          let c = s.usage(`${BIN} ${name} <command> [options]\n\n${subDescription}`);
          for (const leaf of subLeaves) c = addCommand(c, leaf, select);
          c = addGlobalOptions(c);
          return c.demandCommand(1, `Choose a command: ${subLeaves.map((l) => l.path.join(' ')).join(', ')}`);
        });
      }
      b = addGlobalOptions(b);
      return b.demandCommand(1, `Choose a command: ${choices.join(', ')}`);
    });
  }
  return y
    .completion(
      'completion',
      'Print a bash/zsh completion script (add `source <(acs-identity completion)` to ~/.bashrc).',
    )
    .demandCommand(1, `Choose a command: ${Object.keys(COMMAND_GROUPS).join(', ')}, completion`)
    .help('help', BUILTIN_OPTIONS.help.description)
    .alias('help', 'h')
    .version('version', BUILTIN_OPTIONS.version.description, version);
}

/** Parses a command line without running anything. */
export function parseCommandLine(argv: readonly string[], version: string): ParseOutcome {
  let selected: { id: CommandId; args: Record<string, unknown> } | undefined;
  let error: string | undefined;
  let text = '';
  const parser = buildParser(version, (id, args) => {
    selected = { id, args };
  });
  parser.parse([...argv], {}, (err, _args, output) => {
    if (err) error = err.message;
    if (output) text = output;
  });
  if (error !== undefined) return { kind: 'error', message: error };
  if (selected && !text) return { kind: 'command', id: selected.id, args: selected.args };
  return { kind: 'text', text };
}
