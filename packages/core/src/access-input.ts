/**
 * Local checks of the newer operations' input (custom ids, identities to read, assignments, end-user Entra tokens), so a
 * mistake fails with our error before any request. Isomorphic.
 */
import { AcsIdentityError, describeInput } from './errors.js';
import { parseIdentifier } from './identifiers.js';
import { decodeAccessToken } from './tokens.js';
import { CUSTOM_ID_MAX_LENGTH } from './vocabulary.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A GUID (tenant, object, application id), or `INVALID_INPUT` naming `target`. */
export function assertGuid(value: unknown, target: string): string {
  if (typeof value === 'string' && GUID.test(value)) return value;
  throw new AcsIdentityError('INVALID_INPUT', `${target} must be a GUID; got ${describeInput(value)}.`, {
    target,
  });
}

/** A list of application (client) ids. */
export function assertClientIds(value: unknown): string[] {
  if (!Array.isArray(value)) {
    throw new AcsIdentityError('INVALID_INPUT', 'clientIds must be a list of application (client) ids.', {
      target: 'clientIds',
    });
  }
  return value.map((id) => assertGuid(id, 'clientIds'));
}

/** A principal type: a non-empty string (the service's lists are extensible; it checks the value). */
export function assertPrincipalType(value: unknown): string {
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw new AcsIdentityError('INVALID_INPUT', `principalType is required; got ${describeInput(value)}.`, {
    target: 'principalType',
  });
}

/** A custom id: 1 to 256 characters, sent as given. */
export function assertCustomId(value: unknown): string {
  if (typeof value === 'string' && value.length >= 1 && value.length <= CUSTOM_ID_MAX_LENGTH) return value;
  throw new AcsIdentityError(
    'INVALID_INPUT',
    `customId must be a string of 1 to ${CUSTOM_ID_MAX_LENGTH} characters; got ${describeInput(value)}.`,
    { target: 'customId' },
  );
}

/**
 * An identity `getUser` can read: a communication user (created, or an Entra user's `..._wf_...`) or a Teams
 * extension user.
 */
export function assertReadableUserId(value: unknown): string {
  if (typeof value === 'string' && value.trim() === value && value !== '') {
    const kind = parseIdentifier(value).kind;
    if (kind === 'communicationUser' || kind === 'teamsExtensionUser') return value;
  }
  throw new AcsIdentityError(
    'INVALID_INPUT',
    `${describeInput(value)} is not a Communication Services user id (userId). Expected a raw id such as "8:acs:<resource-id>_<user-id>".`,
    { target: 'userId' },
  );
}

/** The two token exchanges of an end user's Entra token. */
export type EntraTokenExchangeKind = 'teamsExtension' | 'entra';

/**
 * The exchange an end user's Entra token is for, read (not verified) from its audience: Teams Extension
 * (`https://auth.msft.communication.azure.com`, `.azure.us`) or Entra users (`https://communication.azure.com/clients`
 * or the Communication Services Clients application id). `INVALID_INPUT` when it says neither.
 */
export function exchangeKindOf(entraToken: string): EntraTokenExchangeKind {
  const { claims } = decodeAccessToken(entraToken);
  const audiences = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).filter(
    (a): a is string => typeof a === 'string',
  );
  if (audiences.some((a) => /^https:\/\/auth\.msft\.communication\.azure\.(com|us)\/*$/i.test(a))) {
    return 'teamsExtension';
  }
  if (
    audiences.some((a) =>
      /^(https:\/\/communication\.azure\.com\/clients\/*|2a04943b-b6a7-4f65-8786-2bb6131b59f6)$/i.test(a),
    )
  ) {
    return 'entra';
  }
  throw new AcsIdentityError(
    'INVALID_INPUT',
    'The Entra token is neither for Teams Phone extensibility (audience https://auth.msft.communication.azure.com) nor for Communication Services clients (https://communication.azure.com/clients); say which exchange with kind.',
    { target: 'kind' },
  );
}
