/**
 * Commands whose options a package declares as a core `OptionTable` (the emulator's `EMULATOR_OPTIONS`, the gateway's
 * `GATEWAY_OPTIONS`) take them from it: each option with a flag becomes an OptionSpec (kind, aliases, choices,
 * variable, default, placeholder and the table's own parser), so the command line, its environment variables, help
 * and the README say what the table says. `tableValues` turns the resolved arguments back into the table's keys.
 */
import type { OptionDefinition, OptionTable } from '@acs-identity/core';
import type { OptionSpec, OptionType } from './spec.js';

const TYPES: Readonly<Record<OptionDefinition<unknown>['kind'], OptionType>> = {
  string: 'string',
  number: 'number',
  boolean: 'boolean',
  list: 'array',
};

function isPrimitive(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** One option of a table as the CLI declares it. */
export function optionFromDefinition(key: string, definition: OptionDefinition<unknown>): OptionSpec {
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
  };
}

/** The options of a table that have a flag, keyed by their flag: the `options` of a command declaration. */
export function optionsFromTable<O>(table: OptionTable<O>): Record<string, OptionSpec> {
  const options: Record<string, OptionSpec> = {};
  for (const [key, definition] of Object.entries<OptionDefinition<unknown>>(table)) {
    if (definition.flag !== undefined) options[definition.flag] = optionFromDefinition(key, definition);
  }
  return options;
}

/** The resolved arguments of a command (keyed by flag) as the table's options (keyed by the table's keys). */
export function tableValues<O>(table: OptionTable<O>, args: Readonly<Record<string, unknown>>): Partial<O> {
  const values: Partial<Record<keyof O, unknown>> = {};
  for (const [key, definition] of Object.entries<OptionDefinition<unknown>>(table)) {
    const value = definition.flag === undefined ? undefined : args[definition.flag];
    if (value !== undefined) values[key as keyof O] = value;
  }
  return values as Partial<O>;
}
