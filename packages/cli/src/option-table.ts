/**
 * Commands whose options a package declares as a core `OptionTable` (the emulator's `EMULATOR_OPTIONS`, the gateway's
 * `GATEWAY_OPTIONS`) take them from it: each option with a flag becomes an OptionSpec (kind, aliases, choices,
 * variable, default, placeholder and the table's own parser), so the command line, its environment variables, help
 * and the README say what the table says. `tableValues` turns the resolved arguments back into the table's keys.
 *
 * Import the tables from the packages' light `/options` subpaths, never their main entries: the specs are read by help
 * and by every parse, which must not load the servers (a test over the bundle's import graph holds that).
 */
import type { OptionDefinition, OptionTable } from '@acs-identity/core';
import type { ArgSource, OptionSpec, OptionType } from './spec.js';

const TYPES: Readonly<Record<OptionDefinition<unknown>['kind'], OptionType>> = {
  string: 'string',
  number: 'number',
  boolean: 'boolean',
  list: 'array',
};

function isPrimitive(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * What the CLI adds to an option of a table, by the table's key: the old spellings users may have in scripts, kept as
 * deprecated aliases, and the CLI's own text for a default it gives differently.
 */
export type OptionExtras = Pick<
  OptionSpec,
  'deprecatedAlias' | 'deprecatedEnv' | 'deprecatedNegation' | 'defaultText'
>;

/** {@link OptionExtras} per key of a table. */
export type TableExtras<O> = { readonly [K in keyof O]?: OptionExtras };

/** One option of a table as the CLI declares it. */
export function optionFromDefinition(
  key: string,
  definition: OptionDefinition<unknown>,
  extras: OptionExtras = {},
): OptionSpec {
  const { description, kind, alias, env, choices, placeholder, secret, hidden, defaultText, parse } =
    definition;
  const fallback = definition.default;
  return {
    type: TYPES[kind],
    description,
    key,
    parse,
    ...(alias === undefined ? {} : { alias }),
    ...(env === undefined ? {} : { env }),
    ...(choices === undefined ? {} : { choices }),
    ...(placeholder === undefined ? {} : { placeholder }),
    ...(secret === undefined ? {} : { secret }),
    ...(hidden === undefined ? {} : { hidden }),
    ...(isPrimitive(fallback) ? { default: fallback } : {}),
    ...(defaultText === undefined ? {} : { defaultText }),
    ...extras,
  };
}

/**
 * The options of a table that have a flag, keyed by their flag: the `options` of a command declaration (spread them
 * into it). Their values are read back, typed, with {@link tableValues}.
 */
export function optionsFromTable<O>(
  table: OptionTable<O>,
  extras: TableExtras<O> = {},
): Record<string, OptionSpec> {
  const options: Record<string, OptionSpec> = {};
  for (const [key, definition] of Object.entries<OptionDefinition<unknown>>(table)) {
    if (definition.flag === undefined) continue;
    options[definition.flag] = optionFromDefinition(key, definition, extras[key as keyof O]);
  }
  return options;
}

/** Part of a table: the options `keys` name, as declared there. */
export function pickTable<O, K extends keyof O>(
  table: OptionTable<O>,
  keys: readonly K[],
): OptionTable<Pick<O, K>> {
  return Object.fromEntries(keys.map((key) => [key, table[key]])) as unknown as OptionTable<Pick<O, K>>;
}

/**
 * The resolved arguments of a command (keyed by flag) as the table's options (keyed by the table's keys). With
 * `sources`, values that are only the default are left out: the package applies the same defaults from the same table,
 * and its own fallbacks besides (the gateway reads `PORT` when `GATEWAY_PORT` is unset).
 */
export function tableValues<O>(
  table: OptionTable<O>,
  args: Readonly<Record<string, unknown>>,
  sources?: Readonly<Record<string, ArgSource>>,
): Partial<O> {
  const values: Partial<Record<keyof O, unknown>> = {};
  for (const [key, definition] of Object.entries<OptionDefinition<unknown>>(table)) {
    const { flag } = definition;
    if (flag === undefined || sources?.[flag] === 'default') continue;
    const value = args[flag];
    if (value !== undefined) values[key as keyof O] = value;
  }
  return values as Partial<O>;
}

/**
 * The environment without the variables (current and old names) of `options`: the CLI has read those itself, and
 * passes their values; a package given the rest reads only the variables of its options without a flag.
 */
export function unreadEnv(
  env: Readonly<Record<string, string | undefined>>,
  options: Readonly<Record<string, OptionSpec>>,
): Record<string, string | undefined> {
  const read = new Set(Object.values(options).flatMap((o) => [o.env ?? '', ...(o.deprecatedEnv ?? [])]));
  return Object.fromEntries(Object.entries(env).filter(([name]) => !read.has(name)));
}
