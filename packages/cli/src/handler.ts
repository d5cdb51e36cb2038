/** What a command implementation is: typed arguments derived from its declaration, and the context it runs in. */
import type { CommandContext } from './context.js';
import type { ConnectionValues, GlobalValues } from './global-options.js';
import type { JsonValue } from './json.js';
import type { CommandSpec, OptionValues, PositionalValue } from './spec.js';

/** The resolved arguments of a command: its options, its connection options if it has them, the global options. */
export type CommandArgs<S extends CommandSpec> = OptionValues<S['options']> &
  ('connection' extends S['groups'][number] ? ConnectionValues : unknown) &
  PositionalValue<S> &
  GlobalValues;

/** A command implementation: returns what to print (undefined prints nothing). */
export type CommandHandler<S extends CommandSpec> = (
  args: CommandArgs<S>,
  context: CommandContext,
) => Promise<JsonValue | undefined>;
