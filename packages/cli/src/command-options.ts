/** Which options a command line may carry, and how each is written: one index shared by the checker and the parser. */
import { CONNECTION_OPTIONS, GLOBAL_OPTIONS } from './global-options.js';
import type { CommandSpec, OptionSpec } from './spec.js';

/** Every option of a command: its own, the connection options if it has them, and the global ones. */
export function optionsOf(spec: CommandSpec): Readonly<Record<string, OptionSpec>> {
  return {
    ...spec.options,
    ...(spec.groups.includes('connection') ? CONNECTION_OPTIONS : {}),
    ...GLOBAL_OPTIONS,
  };
}

/** What a name on the command line stands for. */
export interface OptionName {
  /** The option's own (kebab-case) name. */
  readonly name: string;
  readonly spec: OptionSpec;
  /** The name is a deprecated alias: accepted with a warning. */
  readonly deprecated: boolean;
  /** The name is an old flag meaning `--no-<name>` (`deprecatedNegation`). */
  readonly negated?: true;
}

/** Every name of every option (own name, aliases, deprecated aliases) → the option. */
export function indexOptions(options: Readonly<Record<string, OptionSpec>>): ReadonlyMap<string, OptionName> {
  const index = new Map<string, OptionName>();
  for (const [name, spec] of Object.entries(options)) {
    index.set(name, { name, spec, deprecated: false });
    for (const alias of spec.alias ?? []) index.set(alias, { name, spec, deprecated: false });
    for (const alias of spec.deprecatedAlias ?? []) index.set(alias, { name, spec, deprecated: true });
    for (const old of spec.deprecatedNegation ?? []) {
      index.set(old, { name, spec, deprecated: true, negated: true });
    }
  }
  return index;
}
