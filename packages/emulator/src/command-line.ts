/**
 * The package bin's command line, derived from {@link EMULATOR_OPTIONS}: each option with a flag becomes a
 * `node:util` `parseArgs` option (booleans also as `--no-<flag>`, lists repeatable), and `--help` lists them with
 * their defaults and environment variables.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { OptionDefinition } from '@acs-identity/core';
import { EMULATOR_OPTIONS, type EmulatorStartOptions } from './options.js';

export type StartOptionKey = keyof EmulatorStartOptions;

/** What the command line gave: the values of the flags, by option key, as text (the table's parsers read them). */
export interface CommandLine {
  help: boolean;
  given: Partial<Record<StartOptionKey, string>>;
}

const definitions = Object.entries(EMULATOR_OPTIONS) as [StartOptionKey, OptionDefinition<unknown>][];
const flagged = definitions.filter(([, d]) => d.flag !== undefined) as [
  StartOptionKey,
  OptionDefinition<unknown> & { flag: string },
][];

function parseArgsOptions(): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const [, d] of flagged) {
    const short = d.alias?.find((a) => a.length === 1);
    options[d.flag] = {
      type: d.kind === 'boolean' ? 'boolean' : 'string',
      ...(d.kind === 'list' ? { multiple: true } : {}),
      ...(short === undefined ? {} : { short }),
    };
  }
  return options;
}

/** Reads `argv` (without node and the script); throws node:util's error for an unknown or malformed flag. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const { values } = parseArgs({
    args: [...argv],
    options: parseArgsOptions(),
    strict: true,
    allowPositionals: false,
    allowNegative: true,
  });
  const given: CommandLine['given'] = {};
  for (const [key, d] of flagged) {
    const value = values[d.flag];
    if (value === undefined) continue;
    given[key] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return { help: values.help === true, given };
}

function defaultText(d: OptionDefinition<unknown>): string | undefined {
  if (d.defaultText !== undefined) return d.defaultText.replaceAll('`', '');
  if (d.default === undefined || d.secret) return undefined;
  return Array.isArray(d.default) ? d.default.join(',') : String(d.default);
}

/** `--help`: every flag with its value, description, default and environment variable. */
export function usage(): string {
  const rows = flagged.map(([, d]) => {
    const name =
      d.kind === 'boolean' ? `--[no-]${d.flag}` : `--${d.flag}${d.placeholder ? ` ${d.placeholder}` : ''}`;
    const fallback = defaultText(d);
    const notes = [fallback === undefined ? '' : `default ${fallback}`, d.env ?? '']
      .filter(Boolean)
      .join('; ');
    return [name, `${d.description}${notes ? ` (${notes})` : ''}`] as const;
  });
  rows.push(['-h, --help', 'Show this help.']);
  const width = Math.max(...rows.map(([name]) => name.length)) + 2;
  return [
    'Usage: acs-identity-emulator [options]',
    '',
    'Runs the local ACS Identity emulator until Ctrl+C (SIGINT) or SIGTERM, and writes <data-dir>/emulator.json.',
    '',
    'Options:',
    ...rows.map(([name, text]) => `  ${name.padEnd(width)}${text}`),
  ].join('\n');
}
