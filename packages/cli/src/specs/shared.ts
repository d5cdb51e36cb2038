/** Options several command groups declare alike. */
import type { OptionSpec } from '../spec.js';

/** `--yes` of the commands that ask before they remove something. */
export const yesOption = {
  type: 'boolean',
  alias: ['y'],
  description: 'Do not prompt for confirmation (required when stdin is not a terminal).',
} as const satisfies OptionSpec;

/** A list typed as words or comma-separated (`--client-ids a b`, `--client-ids a,b`): the `parse` of such options. */
export function listText(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A GUID as typed (a tenant, object or application id): the `parse` of such options, checked before any request. */
export function guidText(text: string): string {
  const value = text.trim();
  if (GUID.test(value)) return value;
  throw new Error('a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47');
}

/** A list of GUIDs typed as words or comma-separated. */
export function guidListText(text: string): string[] {
  const values = listText(text);
  const wrong = values.find((value) => !GUID.test(value));
  if (wrong === undefined) return values;
  throw new Error(`GUIDs such as 72f988bf-86f1-41af-91ab-2d7cd011db47 (${JSON.stringify(wrong)} is not one)`);
}
