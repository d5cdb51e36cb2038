import { formatIdentifier, parseIdentifier } from '@acs-identity/core';
import type { CommandHandler } from '../handler.js';
import type { JsonValue } from '../json.js';
import type { IDENTIFIER_PARSE } from '../specs/identity.js';

/** `identifier parse <raw-id>`: the kind and fields of a raw id, plus `rawId` for every kind. */
export const identifierParse: CommandHandler<typeof IDENTIFIER_PARSE> = async (args) => {
  const parsed = parseIdentifier(args['raw-id']);
  const out: { [key: string]: JsonValue } = { rawId: formatIdentifier(parsed) };
  for (const [key, value] of Object.entries(parsed)) {
    if (value !== undefined) out[key] = value as JsonValue;
  }
  return out;
};
