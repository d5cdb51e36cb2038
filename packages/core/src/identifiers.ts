/**
 * Identifier kinds of Azure Communication Services and their raw ids (reference section 6).
 *
 * Isomorphic: no Node built-ins.
 */
import { AcsIdentityError, describeInput } from './errors.js';

/** The Azure cloud an identifier belongs to. */
export type CommunicationCloud = 'public' | 'dod' | 'gcch';

/** A Communication Services user. `communicationUserId` is the full raw id, e.g. `8:acs:<resource>_<id>`. */
export interface CommunicationUserKind {
  kind: 'communicationUser';
  communicationUserId: string;
}

/** A Teams Phone extension user: `8:acs:<resourceId>_<tenantId>_<userId>` (or `dod-acs`/`gcch-acs`). */
export interface TeamsExtensionUserKind {
  kind: 'teamsExtensionUser';
  userId: string;
  tenantId: string;
  resourceId: string;
  cloud: CommunicationCloud;
  rawId: string;
}

/** A Microsoft Teams user (`8:orgid:`, `8:dod:`, `8:gcch:`) or an anonymous Teams visitor (`8:teamsvisitor:`). */
export interface MicrosoftTeamsUserKind {
  kind: 'microsoftTeamsUser';
  microsoftTeamsUserId: string;
  isAnonymous: boolean;
  cloud: CommunicationCloud;
  rawId: string;
}

/** A Microsoft Teams app (bot): `28:orgid:`, `28:dod:` or `28:gcch:` + app id. */
export interface MicrosoftTeamsAppKind {
  kind: 'microsoftTeamsApp';
  teamsAppId: string;
  cloud: CommunicationCloud;
  rawId: string;
}

/**
 * A phone number: `4:` + value, kept as given (a leading `+` included). `4:anonymous` is anonymous; the text after
 * the last `_` is the asserted id and stays part of `phoneNumber`.
 */
export interface PhoneNumberKind {
  kind: 'phoneNumber';
  phoneNumber: string;
  isAnonymous: boolean;
  assertedId?: string;
  rawId: string;
}

/** Anything else, kept verbatim. */
export interface UnknownIdentifierKind {
  kind: 'unknown';
  id: string;
}

export type CommunicationIdentifierKind =
  | CommunicationUserKind
  | TeamsExtensionUserKind
  | MicrosoftTeamsUserKind
  | MicrosoftTeamsAppKind
  | PhoneNumberKind
  | UnknownIdentifierKind;

const ACS_PREFIX: Record<CommunicationCloud, string> = {
  public: '8:acs:',
  dod: '8:dod-acs:',
  gcch: '8:gcch-acs:',
};
const TEAMS_USER_PREFIX: Record<CommunicationCloud, string> = {
  public: '8:orgid:',
  dod: '8:dod:',
  gcch: '8:gcch:',
};
const TEAMS_APP_PREFIX: Record<CommunicationCloud, string> = {
  public: '28:orgid:',
  dod: '28:dod:',
  gcch: '28:gcch:',
};
const TEAMS_VISITOR_PREFIX = '8:teamsvisitor:';
const SPOOL_PREFIX = '8:spool:';
const PHONE_PREFIX = '4:';

function cloudOf(table: Record<CommunicationCloud, string>, prefix: string): CommunicationCloud | undefined {
  for (const cloud of ['public', 'dod', 'gcch'] as const) if (table[cloud] === prefix) return cloud;
  return undefined;
}

/**
 * Parses a raw id into its identifier kind. Never throws for a string: what it does not recognise is `unknown`.
 * `formatIdentifier(parseIdentifier(s)) === s` for every string `s`.
 */
export function parseIdentifier(rawId: string): CommunicationIdentifierKind {
  if (typeof rawId !== 'string') {
    throw new AcsIdentityError('INVALID_INPUT', `A raw id must be a string, got ${describeInput(rawId)}.`);
  }
  if (rawId.startsWith(PHONE_PREFIX)) {
    const phoneNumber = rawId.slice(PHONE_PREFIX.length);
    const isAnonymous = phoneNumber === 'anonymous';
    const at = phoneNumber.lastIndexOf('_');
    const out: PhoneNumberKind = { kind: 'phoneNumber', phoneNumber, isAnonymous, rawId };
    if (!isAnonymous && at >= 0 && at < phoneNumber.length - 1) out.assertedId = phoneNumber.slice(at + 1);
    return out;
  }
  const segments = rawId.split(':');
  if (segments.length !== 3) return { kind: 'unknown', id: rawId };
  const prefix = `${segments[0]}:${segments[1]}:`;
  const suffix = segments[2] ?? '';
  if (prefix === TEAMS_VISITOR_PREFIX) {
    return {
      kind: 'microsoftTeamsUser',
      microsoftTeamsUserId: suffix,
      isAnonymous: true,
      cloud: 'public',
      rawId,
    };
  }
  if (prefix === SPOOL_PREFIX) return { kind: 'communicationUser', communicationUserId: rawId };
  let cloud = cloudOf(ACS_PREFIX, prefix);
  if (cloud) {
    const parts = suffix.split('_');
    if (parts.length !== 3) return { kind: 'communicationUser', communicationUserId: rawId };
    const [resourceId = '', tenantId = '', userId = ''] = parts;
    return { kind: 'teamsExtensionUser', userId, tenantId, resourceId, cloud, rawId };
  }
  cloud = cloudOf(TEAMS_USER_PREFIX, prefix);
  if (cloud)
    return { kind: 'microsoftTeamsUser', microsoftTeamsUserId: suffix, isAnonymous: false, cloud, rawId };
  cloud = cloudOf(TEAMS_APP_PREFIX, prefix);
  if (cloud) return { kind: 'microsoftTeamsApp', teamsAppId: suffix, cloud, rawId };
  return { kind: 'unknown', id: rawId };
}

/**
 * Formats an identifier as its raw id. The raw id is derived from the kind's fields (a `rawId` property is not
 * consulted), so `parseIdentifier(formatIdentifier(k))` gives back `k` for every well-formed `k`.
 */
export function formatIdentifier(identifier: CommunicationIdentifierKind): string {
  switch (identifier.kind) {
    case 'communicationUser':
      return identifier.communicationUserId;
    case 'teamsExtensionUser':
      return `${ACS_PREFIX[identifier.cloud]}${identifier.resourceId}_${identifier.tenantId}_${identifier.userId}`;
    case 'microsoftTeamsUser':
      return identifier.isAnonymous
        ? `${TEAMS_VISITOR_PREFIX}${identifier.microsoftTeamsUserId}`
        : `${TEAMS_USER_PREFIX[identifier.cloud]}${identifier.microsoftTeamsUserId}`;
    case 'microsoftTeamsApp':
      return `${TEAMS_APP_PREFIX[identifier.cloud]}${identifier.teamsAppId}`;
    case 'phoneNumber':
      return `${PHONE_PREFIX}${identifier.phoneNumber}`;
    case 'unknown':
      return identifier.id;
    default: {
      const never: never = identifier;
      throw new AcsIdentityError(
        'INVALID_INPUT',
        `Unknown identifier kind ${describeInput((never as { kind?: unknown }).kind)}.`,
      );
    }
  }
}

export function isCommunicationUserKind(id: CommunicationIdentifierKind): id is CommunicationUserKind {
  return id.kind === 'communicationUser';
}
export function isTeamsExtensionUserKind(id: CommunicationIdentifierKind): id is TeamsExtensionUserKind {
  return id.kind === 'teamsExtensionUser';
}
export function isMicrosoftTeamsUserKind(id: CommunicationIdentifierKind): id is MicrosoftTeamsUserKind {
  return id.kind === 'microsoftTeamsUser';
}
export function isMicrosoftTeamsAppKind(id: CommunicationIdentifierKind): id is MicrosoftTeamsAppKind {
  return id.kind === 'microsoftTeamsApp';
}
export function isPhoneNumberKind(id: CommunicationIdentifierKind): id is PhoneNumberKind {
  return id.kind === 'phoneNumber';
}
export function isUnknownIdentifierKind(id: CommunicationIdentifierKind): id is UnknownIdentifierKind {
  return id.kind === 'unknown';
}

/** The part after the `8:acs:` style prefix may hold letters, digits, `_`, `-` and `.` only. */
const USER_SUFFIX = /^[A-Za-z0-9_.-]+$/;

/**
 * True when `rawId` is a Communication Services user id that tokens can be issued for: `8:acs:`, `8:dod-acs:`,
 * `8:gcch-acs:` or `8:spool:` followed by a non-empty id of letters, digits, `_`, `-` and `.` (and not a Teams
 * extension user).
 */
export function isCommunicationUserId(rawId: unknown): rawId is string {
  if (typeof rawId !== 'string') return false;
  return (
    parseIdentifier(rawId).kind === 'communicationUser' &&
    USER_SUFFIX.test(rawId.slice(rawId.indexOf(':', 2) + 1))
  );
}

/** Returns `rawId` when it is a Communication Services user id, else throws `INVALID_INPUT` naming `target`. */
export function assertCommunicationUserId(rawId: unknown, target = 'userId'): string {
  if (isCommunicationUserId(rawId)) return rawId;
  const hint =
    typeof rawId === 'string' && rawId.trim() !== rawId
      ? ' Remove the surrounding whitespace.'
      : ' Expected a raw id such as "8:acs:<resource-id>_<user-id>".';
  throw new AcsIdentityError(
    'INVALID_INPUT',
    `${describeInput(rawId)} is not a Communication Services user id (${target}).${hint}`,
    { target },
  );
}
