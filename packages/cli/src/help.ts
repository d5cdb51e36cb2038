import { apiVersionNote, optionApiNote } from './api-features.js';
import {
  BIN,
  BUILTIN_OPTIONS,
  COMMAND_GROUPS,
  COMMAND_SUBGROUPS,
  COMMANDS,
  COMPLETION_SUMMARY,
  CONNECTION_OPTIONS,
  type CommandSpec,
  GLOBAL_OPTIONS,
  type OptionSpec,
  positionalUsage,
  TOOL_SUMMARY,
} from './options.js';

/**
 * The `--help` screens, rendered straight from the typed definition in options.ts. yargs is not loaded for help: its
 * layout code (string-width, cliui) cost more than the rest of a cold start, and our text is plain, so the width of a
 * line is its length.
 */

/** Where the words of a command line lead in the command tree: the root, a group, a sub-group or a command. */
export type HelpTarget =
  | { readonly kind: 'root' }
  | { readonly kind: 'group'; readonly path: readonly string[] }
  | { readonly kind: 'command'; readonly spec: CommandSpec };

/** The arguments before a `--`: after it every word is a value, never a flag. */
function flagsOf(argv: readonly string[]): readonly string[] {
  const end = argv.indexOf('--');
  return end === -1 ? argv : argv.slice(0, end);
}

/** True when the command line asks for help (`--help` or `-h` anywhere before `--`), as yargs would read it. */
export function wantsHelp(argv: readonly string[]): boolean {
  return flagsOf(argv).some((a) => a === '--help' || a === '-h');
}

/** True when the command line asks for the version (`--version` anywhere before `--`). */
export function wantsVersion(argv: readonly string[]): boolean {
  return flagsOf(argv).includes('--version');
}

/**
 * The deepest command or group the leading words of `argv` name. Unknown words stop the walk, so
 * `acs-identity token frobnicate --help` shows the help of `token`, as yargs does.
 */
export function helpTarget(argv: readonly string[]): HelpTarget {
  const words: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('-')) break;
    words.push(arg);
  }
  const [first, second, third] = words;
  if (first === undefined || !(first in COMMAND_GROUPS)) return { kind: 'root' };
  const leaf = (path: readonly string[]): CommandSpec | undefined =>
    (COMMANDS as readonly CommandSpec[]).find(
      (c) => c.path.length === path.length && c.path.every((w, i) => w === path[i]),
    );
  if (second !== undefined) {
    const two = leaf([first, second]);
    if (two) return { kind: 'command', spec: two };
    if (`${first} ${second}` in COMMAND_SUBGROUPS) {
      const three = third === undefined ? undefined : leaf([first, second, third]);
      return three ? { kind: 'command', spec: three } : { kind: 'group', path: [first, second] };
    }
  }
  return { kind: 'group', path: [first] };
}

/** Words of `text` packed into lines of at most `width` characters (a longer word gets a line of its own). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** One row of a two-column section: a left column (flags, a command) and its description. */
interface Row {
  readonly left: string;
  readonly text: string;
}

const INDENT = '  ';
const GAP = '  ';
/** Left columns wider than this put their description on the next line. */
const MAX_LEFT = 36;
/** Narrower description columns than this stack every description under its flag. */
const MIN_TEXT = 30;
/** The indent of a description under its flag. */
const STACKED = '        ';

/** A titled list of rows, e.g. `Options:`. */
interface Section {
  readonly title: string;
  readonly rows: readonly Row[];
}

/** Renders sections with one left column width for the whole screen, so descriptions line up. */
function sections(list: readonly Section[], width: number): string {
  let left = Math.min(MAX_LEFT, Math.max(...list.flatMap((s) => s.rows.map((r) => r.left.length))));
  let textWidth = width - INDENT.length - left - GAP.length;
  if (textWidth < MIN_TEXT) {
    // A narrow terminal: every description goes under its flag instead of beside it.
    left = 0;
    textWidth = width - STACKED.length;
  }
  const pad = left === 0 ? STACKED : ' '.repeat(INDENT.length + left + GAP.length);
  const out: string[] = [];
  for (const { title, rows } of list) {
    if (out.length) out.push('');
    out.push(`${title}:`);
    for (const row of rows) {
      const lines = wrap(row.text, textWidth);
      if (row.left.length > left) {
        // A flag wider than the screen puts its placeholder on the next line.
        const flag =
          INDENT.length + row.left.length > width ? wrap(row.left, width - INDENT.length) : [row.left];
        for (const part of flag) out.push(`${INDENT}${part}`);
        for (const line of lines) out.push(`${pad}${line}`);
      } else {
        const [firstLine = '', ...rest] = lines;
        out.push(`${INDENT}${row.left.padEnd(left)}${GAP}${firstLine}`.trimEnd());
        for (const line of rest) out.push(`${pad}${line}`);
      }
    }
  }
  return out.join('\n');
}

/** `-o, --output <format>`: the aliases, the flag and its value placeholder. */
export function flagColumn(name: string, spec: OptionSpec): string {
  const aliases = (spec.alias ?? []).map((a) => (a.length === 1 ? `-${a}` : `--${a}`));
  const value =
    spec.type === 'boolean'
      ? ''
      : ` ${spec.placeholder ?? '<value>'}${spec.type === 'array' && !spec.placeholder?.includes('...') ? '...' : ''}`;
  const short = aliases.filter((a) => a.length === 2);
  const long = [...aliases.filter((a) => a.length > 2), `--${name}${value}`];
  return short.length ? `${short.join(', ')}, ${long.join(', ')}` : `    ${long.join(', ')}`;
}

/** The description of an option plus what the parser enforces: required, choices, default, environment variable. */
export function optionText(spec: OptionSpec): string {
  const notes: string[] = [];
  if (spec.env) notes.push(`Env: ${spec.env}.`);
  if (spec.required) notes.push('[required]');
  if (spec.choices) notes.push(`[choices: ${spec.choices.join(', ')}]`);
  const fallback = spec.defaultText ?? spec.default;
  if (fallback !== undefined) notes.push(`[default: ${String(fallback)}]`);
  const api = optionApiNote(spec);
  if (api !== undefined) notes.push(`[${api}]`);
  return [spec.description, ...notes].join(' ');
}

function optionRows(options: Readonly<Record<string, OptionSpec>>): Row[] {
  return Object.entries(options)
    .filter(([, spec]) => !spec.hidden)
    .map(([name, spec]) => ({
      left: flagColumn(name, spec),
      text: optionText(spec),
    }));
}

const GLOBAL_ROWS = () => optionRows({ ...GLOBAL_OPTIONS, ...BUILTIN_OPTIONS });

function commandsRows(path: readonly string[]): Row[] {
  const prefix = path.join(' ');
  if (path.length === 0) {
    return [
      ...Object.entries(COMMAND_GROUPS).map(([name, text]) => ({ left: `${BIN} ${name}`, text })),
      { left: `${BIN} completion`, text: COMPLETION_SUMMARY },
    ];
  }
  const rows: Row[] = [];
  const seen = new Set<string>();
  for (const spec of COMMANDS as readonly CommandSpec[]) {
    if (!path.every((w, i) => spec.path[i] === w)) continue;
    const next = spec.path.slice(0, path.length + 1).join(' ');
    if (seen.has(next)) continue;
    seen.add(next);
    const text =
      spec.path.length === path.length + 1
        ? spec.summary
        : ((COMMAND_SUBGROUPS as Record<string, string>)[next] ?? spec.summary);
    rows.push({ left: `${BIN} ${next}`, text });
  }
  return rows.length ? rows : [{ left: `${BIN} ${prefix}`, text: '' }];
}

function commandHelp(spec: CommandSpec, width: number): string {
  const id = spec.path.join(' ');
  const positional = positionalUsage(spec);
  const list: Section[] = [];
  if (spec.positional) {
    list.push({
      title: 'Arguments',
      rows: [{ left: spec.positional.name, text: spec.positional.description }],
    });
  }
  if (Object.keys(spec.options).length > 0) list.push({ title: 'Options', rows: optionRows(spec.options) });
  if (spec.groups.includes('connection')) {
    list.push({ title: 'Connection Options', rows: optionRows(CONNECTION_OPTIONS) });
  }
  list.push({ title: 'Global Options', rows: GLOBAL_ROWS() });
  const parts = [
    ...wrap(`${BIN} ${id}${positional} [options]`, width),
    '',
    ...wrap(spec.summary, width),
    '',
    sections(list, width),
  ];
  if (spec.examples.length > 0) {
    parts.push('', 'Examples:');
    for (const [command, description] of spec.examples) {
      parts.push(`${INDENT}${command}`);
      for (const line of wrap(description, width - 6)) parts.push(`${INDENT}    ${line}`);
    }
  }
  if (spec.details) parts.push('', ...wrap(spec.details, width));
  const api = apiVersionNote(spec);
  if (api !== undefined) parts.push('', ...wrap(api, width));
  return parts.join('\n');
}

function groupHelp(path: readonly string[], width: number): string {
  const name = path.join(' ');
  const summary =
    path.length === 0
      ? TOOL_SUMMARY
      : path.length === 1
        ? ((COMMAND_GROUPS as Record<string, string>)[name] ?? '')
        : ((COMMAND_SUBGROUPS as Record<string, string>)[name] ?? '');
  const usage = path.length === 0 ? `${BIN} <command> [options]` : `${BIN} ${name} <command> [options]`;
  const list = [
    { title: 'Commands', rows: commandsRows(path) },
    { title: 'Global Options', rows: GLOBAL_ROWS() },
  ];
  return [...wrap(usage, width), '', ...wrap(summary, width), '', sections(list, width)].join('\n');
}

/** The help screen of a command or group, wrapped to `width` columns. */
export function renderHelp(target: HelpTarget, width: number): string {
  switch (target.kind) {
    case 'root':
      return groupHelp([], width);
    case 'group':
      return groupHelp(target.path, width);
    case 'command':
      return commandHelp(target.spec, width);
  }
}

/** The width help is wrapped to: the terminal's, at most 120; 100 when stdout is not a terminal. */
export function helpWidth(columns: number | undefined): number {
  return Math.min(120, columns || 100);
}
