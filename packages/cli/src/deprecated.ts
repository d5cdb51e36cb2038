import { BIN } from './global-options.js';

/** Rewrites az's deprecated command words to today's command, with the warning az gives. */
export function replaceDeprecatedCommand(
  argv: readonly string[],
  deprecated: Readonly<Record<string, readonly string[]>>,
): { argv: readonly string[]; warnings: readonly string[] } {
  const [first, ...rest] = argv;
  const current = first === undefined ? undefined : deprecated[first];
  if (!current) return { argv, warnings: [] };
  return {
    argv: [...current, ...rest],
    warnings: [
      `This command has been deprecated and will be removed in a future release. Use '${BIN} ${current.join(' ')}' instead.`,
    ],
  };
}
