/**
 * Typed option tables: the one declaration of every option of a configurable surface (the emulator, the gateway,
 * `npm start`), from which the command-line parser, the environment fallbacks, the defaults, `--help` and the README
 * tables are all derived. The mapped type {@link OptionTable} forces every option of a surface to have an entry.
 *
 * Isomorphic: no Node built-ins. Callers pass the environment in.
 */
import { AcsIdentityError } from './errors.js';

/** How a command line reads the value of an option. */
export type OptionKind = 'string' | 'number' | 'boolean' | 'list';

/** The declaration of one option. */
export interface OptionDefinition<T> {
  /** One sentence for `--help`, the README table and the TSDoc of the options type. */
  readonly description: string;
  /** How a command line reads it. `list` takes several values (`--x a b`, or `a,b` in one). */
  readonly kind: OptionKind;
  /** The flag of the CLI, kebab-case without dashes. Absent: only a program can set it (a callback, an object). */
  readonly flag?: string;
  /** Short flags without dashes (`p` for `-p`). */
  readonly alias?: readonly string[];
  /** The environment variable read when the option is not given. */
  readonly env?: string;
  /** The value used when neither the option nor the environment variable is given. */
  readonly default?: T;
  /** How help and the README show a default that is computed or absent, e.g. `a free port`, `every scope`. */
  readonly defaultText?: string;
  /** The values accepted, for help and shell completion (the parser enforces them). */
  readonly choices?: readonly string[];
  /** The value's placeholder in help, e.g. `<port>`. */
  readonly placeholder?: string;
  /** The value is a secret (a key, a connection string): never echoed in errors, help or logs. */
  readonly secret?: boolean;
  /** Hidden from `--help` (still documented in the README). */
  readonly hidden?: boolean;
  /**
   * Turns the text of a flag or an environment variable into the value. Throws an `Error` whose message says what is
   * accepted (`a whole number from 0 to 65535`); the caller adds which option and what was given.
   */
  readonly parse: (text: string) => T;
}

/** One entry per option of `O`, none missing: adding an option to the type without declaring it does not compile. */
export type OptionTable<O> = { readonly [K in keyof O]-?: OptionDefinition<Exclude<O[K], undefined>> };

/** What a value was read from, for messages. */
function sourceName(definition: OptionDefinition<unknown>, key: string, from: 'option' | 'env'): string {
  if (from === 'env' && definition.env) return definition.env;
  return definition.flag ? `--${definition.flag}` : key;
}

function shown(definition: OptionDefinition<unknown>, text: string): string {
  if (definition.secret) return 'the value given';
  const clipped = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return JSON.stringify(clipped);
}

/**
 * Parses one option's text, or throws `INVALID_OPTIONS` naming the flag or variable, what was given (unless secret) and
 * what is accepted.
 */
export function parseOptionText<T>(
  definition: OptionDefinition<T>,
  key: string,
  text: string,
  from: 'option' | 'env' = 'option',
): T {
  try {
    return definition.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new AcsIdentityError(
      'INVALID_OPTIONS',
      `${sourceName(definition, key, from)}: ${shown(definition, text)} is not valid; expected ${why}.`,
      { target: definition.env && from === 'env' ? definition.env : key, cause: e },
    );
  }
}

/** The text form of a value given to a program, so it is checked by the same parser; objects pass through. */
function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) {
    return value.join(',');
  }
  return undefined;
}

/**
 * Resolves every option of `table`: the value given wins, then the environment variable (empty counts as unset), then
 * the default. Every value given as text, number, boolean or list goes through the option's parser, so a program and a
 * command line get the same checks and messages; objects and functions pass through. Options with neither a value nor a
 * default are left out. Throws `INVALID_OPTIONS` for the first value that does not parse.
 */
export function resolveOptions<O extends object>(
  table: OptionTable<O>,
  given: { readonly [K in keyof O]?: O[K] | string | undefined },
  env: Readonly<Record<string, string | undefined>> = {},
): Partial<O> {
  const out: Partial<O> = {};
  for (const key of Object.keys(table) as (keyof O & string)[]) {
    const definition = table[key] as OptionDefinition<unknown>;
    const value = given[key];
    let resolved: unknown;
    if (value !== undefined) {
      const text = asText(value);
      resolved = text === undefined ? value : parseOptionText(definition, key, text);
    } else {
      const text = definition.env === undefined ? undefined : env[definition.env]?.trim();
      if (text !== undefined && text !== '') resolved = parseOptionText(definition, key, text, 'env');
      else resolved = definition.default;
    }
    if (resolved !== undefined) out[key] = resolved as O[typeof key];
  }
  return out;
}

/** What {@link optionsMarkdownTable} shows besides flags. */
export interface OptionsMarkdownOptions {
  /**
   * Also name each option as code passes it (`` `--data-dir <folder>`, `dataDir` ``), for surfaces that are both a
   * command line and a factory's options object. @default false
   */
  keys?: boolean;
}

/** The Markdown table of a surface's options (flag, variable, default, description), for its README. */
export function optionsMarkdownTable<O>(table: OptionTable<O>, options: OptionsMarkdownOptions = {}): string {
  const rows = ['| Option | Environment variable | Default | Description |', '|---|---|---|---|'];
  for (const [key, raw] of Object.entries(table)) {
    const d = raw as OptionDefinition<unknown>;
    const flag = d.flag
      ? `\`--${d.flag}${d.placeholder ? ` ${d.placeholder}` : ''}\`${options.keys ? `, \`${key}\`` : ''}`
      : `\`${key}\` (API only)`;
    const env = d.env ? `\`${d.env}\`` : '';
    const fallback =
      d.defaultText ?? (d.default === undefined || d.secret ? '' : `\`${formatDefault(d.default)}\``);
    rows.push(`| ${flag} | ${env} | ${fallback} | ${d.description.replaceAll('|', '\\|')} |`);
  }
  return rows.join('\n');
}

function formatDefault(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/** Parsers for option tables. Each throws an `Error` whose message says what is accepted. */
export const parsers = {
  /** Any non-empty text, trimmed. */
  text(): (text: string) => string {
    return (text) => {
      const value = text.trim();
      if (value === '') throw new Error('a non-empty value');
      return value;
    };
  },
  /** A whole number within `[min, max]`. */
  integer(min: number, max: number): (text: string) => number {
    return (text) => {
      const value = /^\s*-?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isSafeInteger(value) || value < min || value > max) {
        throw new Error(`a whole number from ${min} to ${max}`);
      }
      return value;
    };
  },
  /** `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off` (any case). */
  boolean(): (text: string) => boolean {
    return (text) => {
      const value = text.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(value)) return true;
      if (['false', '0', 'no', 'off'].includes(value)) return false;
      throw new Error('true or false');
    };
  },
  /** One of `choices` (any case; the choice's own spelling is returned). */
  oneOf<C extends string>(choices: readonly C[]): (text: string) => C {
    return (text) => {
      const value = choices.find((c) => c.toLowerCase() === text.trim().toLowerCase());
      if (value === undefined) throw new Error(`one of ${choices.join(', ')}`);
      return value;
    };
  },
  /** A comma-separated list; each item parsed by `item`. Empty items are dropped. */
  list<T>(item: (text: string) => T): (text: string) => T[] {
    return (text) =>
      text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
        .map(item);
  },
  /** An absolute `http:` or `https:` URL. */
  url(protocols: readonly ('http:' | 'https:')[] = ['http:', 'https:']): (text: string) => string {
    return (text) => {
      let url: URL | undefined;
      try {
        url = new URL(text.trim());
      } catch {
        url = undefined;
      }
      if (!url || !(protocols as readonly string[]).includes(url.protocol)) {
        throw new Error(`an absolute ${protocols.map((p) => p.slice(0, -1)).join(' or ')} URL`);
      }
      return text.trim();
    };
  },
} as const;
