import { formatIdentifier, parseIdentifier } from '@acs-identity/core';
import type { CommandHandler } from '../cli.js';
import type { JsonValue } from '../output.js';

/** `identifier parse <raw-id>`: the kind and fields of a raw id, plus `rawId` for every kind. */
export const identifierParse: CommandHandler = async (args) => {
  const rawId = String(args['raw-id'] ?? '');
  const parsed = parseIdentifier(rawId);
  const out: { [key: string]: JsonValue } = { rawId: formatIdentifier(parsed) };
  for (const [key, value] of Object.entries(parsed)) {
    if (value !== undefined) out[key] = value as JsonValue;
  }
  return out;
};
