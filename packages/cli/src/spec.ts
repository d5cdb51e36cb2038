/**
 * The shapes in which commands and options are declared (`global-options.ts`, `specs/*.ts`), and the types of the
 * values a handler receives, derived from a declaration. Types only.
 */
import type { ApiVersionFeature } from '@acs-identity/core';

/** The value type of an option on the command line. */
export type OptionType = 'string' | 'number' | 'boolean' | 'array';

/** How one option is declared. */
export interface OptionSpec {
  readonly type: OptionType;
  /** One-line description shown in `--help` and in the README. */
  readonly description: string;
  /** Short or alternative names, without dashes (`o` for `-o`). */
  readonly alias?: readonly string[];
  /**
   * Old names still accepted, with a deprecation warning on stderr (az's `--userid`); not shown in help, named as old
   * names in the README.
   */
  readonly deprecatedAlias?: readonly string[];
  /**
   * For a boolean: old flags that meant `--no-<name>` (`--http` for `--no-tls`), still accepted with a deprecation
   * warning; not shown in help, named as old names in the README.
   */
  readonly deprecatedNegation?: readonly string[];
  readonly choices?: readonly string[];
  readonly default?: string | number | boolean;
  /** How help and the README show a default that is computed or absent. */
  readonly defaultText?: string;
  /** Environment variable read when the option is absent (then the default applies). */
  readonly env?: string;
  /**
   * Old names of the variable, read when `env` is unset, with a deprecation warning on stderr (`DATABASE_URL` for
   * `EMULATOR_DATABASE_URL`); not shown in help, named as old names in the README.
   */
  readonly deprecatedEnv?: readonly string[];
  readonly required?: boolean;
  /** Placeholder for the value in help and the README, e.g. `<id>`. */
  readonly placeholder?: string;
  /** A `number` that must be a whole number within these bounds (inclusive). */
  readonly integer?: { readonly min?: number; readonly max?: number };
  /**
   * Turns the text given (flag or environment variable) into the value; throws an `Error` saying what is accepted.
   * Options taken from a core `OptionTable` carry its parser.
   */
  readonly parse?: (text: string) => unknown;
  /** The value is a secret: never echoed in an error. */
  readonly secret?: boolean;
  /** Left out of `--help` (still accepted, and documented in the README). */
  readonly hidden?: boolean;
  /** For options taken from a core `OptionTable`: the option's key in the table. */
  readonly key?: string;
  /**
   * When given, the option needs an api-version with this feature of core's table (`--custom-id`: `customId`); see
   * {@link CommandSpec.apiFeature}.
   */
  readonly apiFeature?: ApiVersionFeature;
}

/** Where a resolved option value came from. */
export type ArgSource = 'option' | 'env' | 'default';

/** A positional argument. */
export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  readonly placeholder: string;
  /** May be left out. */
  readonly optional?: boolean;
}

/** Shared option groups a command can include. */
export type OptionGroup = 'connection';

/** How one leaf command is declared. */
export interface CommandSpec {
  /** Words that select the command, e.g. `['user', 'create']` or `['emulator', 'role', 'assign']`. */
  readonly path: readonly [string, string] | readonly [string, string, string];
  readonly summary: string;
  /** Extra paragraph for `--help` and the README. */
  readonly details?: string;
  readonly positional?: PositionalSpec;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly groups: readonly OptionGroup[];
  readonly examples: readonly (readonly [command: string, description: string])[];
  /**
   * The command removes something (a user, its tokens). When the service answers that it does not exist (a code whose
   * error-table entry is `gone`), there is nothing left to do: the command succeeds as it does when the service answers
   * 204 for it, so both answers look the same; this notice is logged for --verbose.
   */
  readonly whenGone?: string;
  /**
   * The feature of core's api-version table (`API_VERSION_FEATURES`) the command calls. Without `--api-version` (or
   * its variable) core calls the version that has it; a version given that lacks it is a usage error before any
   * request (api-features.ts). Help and the README list the versions that have it.
   */
  readonly apiFeature?: ApiVersionFeature;
}

/** The positional argument as usage lines and yargs write it, with its leading space: ` <raw-id>`, ` [jwt]`, or ''. */
export function positionalUsage(spec: CommandSpec): string {
  if (!spec.positional) return '';
  return spec.positional.optional ? ` [${spec.positional.name}]` : ` <${spec.positional.name}>`;
}

/** One value of an option: one of its choices, or of its type. */
type ScalarValue<S> = S extends { choices: readonly (infer C)[] }
  ? C
  : S extends { type: 'number' }
    ? number
    : S extends { type: 'boolean' }
      ? boolean
      : string;

type ParsedValue<S> = S extends { parse: (text: string) => infer P }
  ? P
  : S extends { type: 'array' }
    ? ScalarValue<S>[]
    : ScalarValue<S>;

type Always<O> = {
  [K in keyof O]: O[K] extends { required: true } | { default: unknown } ? K : never;
}[keyof O];

/** The resolved values of a record of options, keyed by their kebab-case names. */
export type OptionValues<O extends Readonly<Record<string, OptionSpec>>> = {
  readonly [K in Always<O>]: ParsedValue<O[K]>;
} & {
  readonly [K in Exclude<keyof O, Always<O>>]?: ParsedValue<O[K]>;
};

/** The value of a command's positional argument, keyed by its name. */
export type PositionalValue<S extends CommandSpec> = S extends {
  positional: { name: infer N extends string; optional: true };
}
  ? { readonly [K in N]?: string }
  : S extends { positional: { name: infer N extends string } }
    ? { readonly [K in N]: string }
    : unknown;
