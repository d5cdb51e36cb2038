/**
 * Gives every option of a parsed command its value, in one way for every command: the value given on the command line
 * (or an old flag that meant its negation), else its documented environment variable (`env` in the declaration; then
 * its old names, `deprecatedEnv`, with a warning), else its default. Every value given as text (flag or variable) is
 * checked and converted here: numbers (echoing what was typed), whole-number bounds, choices, booleans and lists from
 * variables, and the parsers of options taken from a core option table.
 */
import { apiVersionError } from './api-features.js';
import { optionsOf } from './command-options.js';
import { commandById } from './options.js';
import type { CommandOutcome, ErrorOutcome, RawCommand } from './parsed.js';
import type { ArgSource, OptionSpec } from './spec.js';

/** A value that does not fit its option; the message says which option, what was given and what is accepted. */
class InvalidValue extends Error {
  /** The value came from an environment variable (a configuration error, not a usage error). */
  fromEnv = false;
}

const BOOLEAN_TEXT: Readonly<Record<string, boolean>> = {
  true: true,
  '1': true,
  yes: true,
  on: true,
  false: false,
  '0': false,
  no: false,
  off: false,
};

function shown(spec: OptionSpec, text: string): string {
  if (spec.secret) return 'the value given';
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

function asNumber(label: string, spec: OptionSpec, text: string): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) throw new InvalidValue(`${label} must be a number, got ${shown(spec, text)}.`);
  const bounds = spec.integer;
  if (bounds === undefined) return value;
  const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY } = bounds;
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = Number.isFinite(min) && Number.isFinite(max) ? ` from ${min} to ${max}` : '';
    throw new InvalidValue(`${label} must be a whole number${range}, got ${text.trim()}.`);
  }
  return value;
}

/** The text of a value as given: a flag's words (a list joined by commas) or a variable's text. */
function textOf(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

function fromText(label: string, spec: OptionSpec, value: unknown, source: ArgSource): unknown {
  if (spec.parse) {
    if (spec.type === 'boolean' && typeof value === 'boolean') return value;
    try {
      return spec.parse(textOf(value));
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new InvalidValue(`${label}: ${shown(spec, textOf(value))} is not valid; expected ${why}.`);
    }
  }
  if (spec.type === 'number') return asNumber(label, spec, textOf(value));
  if (source !== 'env') return value;
  const text = String(value).trim();
  if (spec.type === 'boolean') {
    const flag = BOOLEAN_TEXT[text.toLowerCase()];
    if (flag === undefined)
      throw new InvalidValue(`${label}: ${shown(spec, text)} is not valid; expected true or false.`);
    return flag;
  }
  if (spec.choices && !spec.choices.includes(text)) {
    throw new InvalidValue(`${label}: ${shown(spec, text)} is not one of ${spec.choices.join(', ')}.`);
  }
  return spec.type === 'array' ? text.split(/[\s,]+/).filter(Boolean) : text;
}

/** One option's value, where it came from, and the deprecation warning its spelling earns. */
interface ResolvedOne {
  readonly value: unknown;
  readonly source: ArgSource;
  readonly warning?: string;
}

/** The value of an old flag that meant `--no-<name>` (`--http` for `--no-tls`), turned around; check.ts warns. */
function fromNegation(spec: OptionSpec, given: Readonly<Record<string, unknown>>): ResolvedOne | undefined {
  for (const old of spec.deprecatedNegation ?? []) {
    const value = given[old];
    if (typeof value === 'boolean') return { value: !value, source: 'option' };
  }
  return undefined;
}

/** The option's variable, else the first of its old names that is set (with a warning), or undefined. */
function fromEnv(
  spec: OptionSpec,
  env: Readonly<Record<string, string | undefined>>,
): ResolvedOne | undefined {
  const names = spec.env === undefined ? [] : [spec.env, ...(spec.deprecatedEnv ?? [])];
  const name = names.find((n) => env[n]?.trim());
  if (name === undefined) return undefined;
  try {
    const value = fromText(name, spec, env[name]?.trim(), 'env');
    if (name === spec.env) return { value, source: 'env' };
    const warning = `Environment variable '${name}' has been deprecated and will be removed in a future release. Use '${spec.env}' instead.`;
    return { value, source: 'env', warning };
  } catch (e) {
    if (e instanceof InvalidValue) e.fromEnv = true;
    throw e;
  }
}

/** One option's value and where it came from, or undefined when it has none. */
function resolveOne(
  name: string,
  spec: OptionSpec,
  given: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
): ResolvedOne | undefined {
  const value = given[name];
  if (value !== undefined) return { value: fromText(`--${name}`, spec, value, 'option'), source: 'option' };
  const found = fromNegation(spec, given) ?? fromEnv(spec, env);
  if (found !== undefined) return found;
  if (spec.default !== undefined) return { value: spec.default, source: 'default' };
  return undefined;
}

/** The options resolved: their values (with the arguments given that are not options) and where each came from. */
export interface ResolvedArgs {
  readonly kind: 'resolved';
  readonly args: Record<string, unknown>;
  readonly sources: Record<string, ArgSource>;
  /** Deprecation warnings of old variable names that were read. */
  readonly warnings?: readonly string[];
}

/**
 * Resolves every option of `options` from the arguments given and the environment (see the module comment). Fails
 * with the first value that does not fit, or with the required options that have no value.
 */
export function resolveArgs(
  options: Readonly<Record<string, OptionSpec>>,
  given: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
): ResolvedArgs | ErrorOutcome {
  const args: Record<string, unknown> = { ...given };
  const sources: Record<string, ArgSource> = {};
  const missing: string[] = [];
  const warnings: string[] = [];
  try {
    for (const [name, option] of Object.entries(options)) {
      const resolved = resolveOne(name, option, given, env);
      if (resolved === undefined) {
        if (option.required) missing.push(name);
        continue;
      }
      args[name] = resolved.value;
      sources[name] = resolved.source;
      if (resolved.warning !== undefined) warnings.push(resolved.warning);
    }
  } catch (e) {
    if (e instanceof InvalidValue) {
      return e.fromEnv
        ? { kind: 'error', code: 'INVALID_OPTIONS', message: e.message }
        : { kind: 'error', message: e.message };
    }
    throw e;
  }
  if (missing.length > 0) {
    const plural = missing.length > 1 ? 's' : '';
    return { kind: 'error', message: `Missing required argument${plural}: ${missing.join(', ')}` };
  }
  return { kind: 'resolved', args, sources, ...(warnings.length > 0 ? { warnings } : {}) };
}

/**
 * Resolves every option of a parsed command: its own, its connection options, the global ones. An api-version given
 * that lacks what the command calls is refused here, before anything runs (api-features.ts).
 */
export function resolveCommand(
  raw: RawCommand,
  env: Readonly<Record<string, string | undefined>>,
  warnings: readonly string[],
): CommandOutcome | ErrorOutcome {
  const spec = commandById(raw.id);
  if (!spec) return { kind: 'error', message: `Unknown command: ${raw.id}` };
  const resolved = resolveArgs(optionsOf(spec), raw.args, env);
  if (resolved.kind === 'error') return resolved;
  const refused = apiVersionError(spec, resolved.args, resolved.sources);
  if (refused) return refused;
  return {
    kind: 'command',
    id: raw.id,
    args: resolved.args,
    sources: resolved.sources,
    warnings: [...warnings, ...(resolved.warnings ?? [])],
  };
}
