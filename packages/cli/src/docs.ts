import { DEFAULT_DATA_DIR, EMULATOR_INFO_FILE, ENV } from '@acs-identity/core/vocabulary';
import { apiVersionNote, optionApiNote } from './api-features.js';
import { CLI_ERROR_CODES, ERROR_TABLE } from './errors.js';
import {
  BUILTIN_OPTIONS,
  COMMANDS,
  CONNECTION_OPTIONS,
  type CommandSpec,
  GLOBAL_OPTIONS,
  type OptionSpec,
} from './options.js';

/** Markers around the generated part of the README. */
export const OPTIONS_BEGIN = '<!-- BEGIN GENERATED OPTIONS (npm run docs) -->';
export const OPTIONS_END = '<!-- END GENERATED OPTIONS -->';

const cell = (text: string) => text.replace(/\|/g, '\\|');

function flagOf(name: string, spec: OptionSpec): string {
  const aliases = (spec.alias ?? []).map((a) => (a.length === 1 ? `-${a}` : `--${a}`));
  const value = spec.type === 'boolean' ? '' : ` ${spec.placeholder ?? '<value>'}`;
  return [`--${name}${value}`, ...aliases].map((f) => `\`${f}\``).join(', ');
}

/** A markdown table of options. */
export function optionTable(options: Readonly<Record<string, OptionSpec>>): string {
  const rows = Object.entries(options).map(([name, spec]) => {
    const notes: string[] = [];
    if (spec.required) notes.push('required');
    if (spec.defaultText !== undefined) notes.push(`default: ${spec.defaultText}`);
    else if (spec.default !== undefined) notes.push(`default \`${String(spec.default)}\``);
    if (spec.choices) notes.push(`one of ${spec.choices.map((c) => `\`${c}\``).join(', ')}`);
    if (spec.env) notes.push(`env \`${spec.env}\``);
    const api = optionApiNote(spec);
    if (api !== undefined) notes.push(api);
    return `| ${flagOf(name, spec)} | ${cell(spec.description)} | ${cell(notes.join('; '))} |`;
  });
  return ['| Option | Description | Notes |', '|---|---|---|', ...rows].join('\n');
}

/** The old names of options, still accepted with a deprecation warning: `` `--http` (now `--no-tls`) ``. */
export function oldNames(options: Readonly<Record<string, OptionSpec>>): string[] {
  const flag = (name: string) => (name.length === 1 ? `-${name}` : `--${name}`);
  return Object.entries(options).flatMap(([name, spec]) => [
    ...(spec.deprecatedAlias ?? []).map((old) => `\`${flag(old)}\` (now \`--${name}\`)`),
    ...(spec.deprecatedNegation ?? []).map((old) => `\`--${old}\` (now \`--no-${name}\`)`),
    ...(spec.deprecatedEnv ?? []).map((old) => `\`${old}\` (now \`${spec.env}\`)`),
  ]);
}

function commandSection(spec: CommandSpec): string {
  const positional = spec.positional ? ` ${spec.positional.placeholder}` : '';
  const lines = [`### \`acs-identity ${spec.path.join(' ')}${positional}\``, '', spec.summary];
  if (spec.details) lines.push('', spec.details);
  const api = apiVersionNote(spec);
  if (api !== undefined) lines.push('', api);
  if (spec.positional)
    lines.push('', `Argument \`${spec.positional.placeholder}\`: ${spec.positional.description}`);
  if (Object.keys(spec.options).length > 0) lines.push('', optionTable(spec.options));
  const old = oldNames(spec.options);
  if (old.length > 0) {
    lines.push('', `Old names, still accepted with a deprecation warning: ${old.join(', ')}.`);
  }
  if (spec.groups.includes('connection'))
    lines.push('', 'Plus the [connection options](#connection-options).');
  return lines.join('\n');
}

/** The error codes with their exit codes and hints, from the one table in errors.ts. */
export function errorTable(): string {
  const rows = CLI_ERROR_CODES.map(
    (code) => `| \`${code}\` | ${ERROR_TABLE[code].exitCode} | ${cell(ERROR_TABLE[code].hint)} |`,
  );
  return ['| Code | Exit code | Hint |', '|---|---|---|', ...rows].join('\n');
}

/** The generated README part: global options, connection options and every command's options. */
export function renderOptionDocs(): string {
  return [
    '### Global options',
    '',
    'Accepted by every command, as in `az`, plus `--api-version`.',
    '',
    optionTable({ ...GLOBAL_OPTIONS, ...BUILTIN_OPTIONS }),
    '',
    '### Connection options',
    '',
    `For the commands that call the service. Resolution order: \`--connection-string\`, then \`--endpoint\` (Entra ID), then their environment variables, then a local emulator found through \`${DEFAULT_DATA_DIR}/${EMULATOR_INFO_FILE}\` in the current folder (or \`$${ENV.dataDir}/${EMULATOR_INFO_FILE}\`). With a connection string or endpoint of that emulator (its endpoint, or any loopback one) and no \`--ca-cert\`, its CA is trusted too.`,
    '',
    optionTable(CONNECTION_OPTIONS),
    '',
    ...COMMANDS.flatMap((c) => [commandSection(c), '']),
    '### Errors and exit codes',
    '',
    'Every error is one line on stderr: `ERROR [CODE] message (HTTP status and service code, when the service answered) Hint: what to do`. The stack trace follows only with `--debug`.',
    '',
    errorTable(),
  ]
    .join('\n')
    .trimEnd();
}

/** Replaces the generated part of a README text. */
export function replaceGenerated(readme: string, generated: string): string {
  const start = readme.indexOf(OPTIONS_BEGIN);
  const end = readme.indexOf(OPTIONS_END);
  if (start < 0 || end < start)
    throw new Error(`README lacks the markers ${OPTIONS_BEGIN} ... ${OPTIONS_END}`);
  return `${readme.slice(0, start + OPTIONS_BEGIN.length)}\n${generated}\n${readme.slice(end)}`;
}

/**
 * Makes markdown tables comparable whatever their column padding (the formatter aligns them): trims every cell and
 * shortens separator cells to `---`.
 */
export function normalizeTables(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) => {
      if (!line.startsWith('|')) return line;
      const cells = line
        .slice(1, line.trimEnd().length - 1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim())
        .map((c) => (/^-+$/.test(c) ? '---' : c));
      return `| ${cells.join(' | ')} |`;
    })
    .join('\n');
}
