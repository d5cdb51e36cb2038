import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAcsIdentityError } from './errors.js';
import {
  assertCommunicationUserId,
  type CommunicationCloud,
  type CommunicationIdentifierKind,
  formatIdentifier,
  isCommunicationUserId,
  isCommunicationUserKind,
  isMicrosoftTeamsAppKind,
  isMicrosoftTeamsUserKind,
  isPhoneNumberKind,
  isTeamsExtensionUserKind,
  isUnknownIdentifierKind,
  parseIdentifier,
} from './identifiers.js';

const RESOURCE = 'bbbcbc1e-9f06-482a-b5d8-20e3f26ef0cd';
const TENANT = '45ab2481-1c1c-4005-be24-0ffb879b1130';
const USER = '207ffef6-9444-41fb-92ab-20eacaae2768';
const APP = '01234567-89ab-cdef-0123-456789abcdef';

// Every example of reference section 6, with what it must parse to.
const EXAMPLES: Array<[string, CommunicationIdentifierKind]> = [
  [
    `8:acs:${RESOURCE}_${TENANT}`,
    { kind: 'communicationUser', communicationUserId: `8:acs:${RESOURCE}_${TENANT}` },
  ],
  [
    `8:spool:${RESOURCE}_${TENANT}`,
    { kind: 'communicationUser', communicationUserId: `8:spool:${RESOURCE}_${TENANT}` },
  ],
  [
    `8:dod-acs:${RESOURCE}_${TENANT}`,
    { kind: 'communicationUser', communicationUserId: `8:dod-acs:${RESOURCE}_${TENANT}` },
  ],
  [
    `8:gcch-acs:${RESOURCE}_${TENANT}`,
    { kind: 'communicationUser', communicationUserId: `8:gcch-acs:${RESOURCE}_${TENANT}` },
  ],
  [
    `8:acs:${RESOURCE}_${TENANT}_${USER}`,
    {
      kind: 'teamsExtensionUser',
      resourceId: RESOURCE,
      tenantId: TENANT,
      userId: USER,
      cloud: 'public',
      rawId: `8:acs:${RESOURCE}_${TENANT}_${USER}`,
    },
  ],
  [
    `8:dod-acs:${RESOURCE}_${TENANT}_${USER}`,
    {
      kind: 'teamsExtensionUser',
      resourceId: RESOURCE,
      tenantId: TENANT,
      userId: USER,
      cloud: 'dod',
      rawId: `8:dod-acs:${RESOURCE}_${TENANT}_${USER}`,
    },
  ],
  [
    `8:gcch-acs:${RESOURCE}_${TENANT}_${USER}`,
    {
      kind: 'teamsExtensionUser',
      resourceId: RESOURCE,
      tenantId: TENANT,
      userId: USER,
      cloud: 'gcch',
      rawId: `8:gcch-acs:${RESOURCE}_${TENANT}_${USER}`,
    },
  ],
  [
    `8:orgid:${TENANT}`,
    {
      kind: 'microsoftTeamsUser',
      microsoftTeamsUserId: TENANT,
      isAnonymous: false,
      cloud: 'public',
      rawId: `8:orgid:${TENANT}`,
    },
  ],
  [
    `8:dod:${TENANT}`,
    {
      kind: 'microsoftTeamsUser',
      microsoftTeamsUserId: TENANT,
      isAnonymous: false,
      cloud: 'dod',
      rawId: `8:dod:${TENANT}`,
    },
  ],
  [
    `8:gcch:${TENANT}`,
    {
      kind: 'microsoftTeamsUser',
      microsoftTeamsUserId: TENANT,
      isAnonymous: false,
      cloud: 'gcch',
      rawId: `8:gcch:${TENANT}`,
    },
  ],
  [
    `8:teamsvisitor:${TENANT}`,
    {
      kind: 'microsoftTeamsUser',
      microsoftTeamsUserId: TENANT,
      isAnonymous: true,
      cloud: 'public',
      rawId: `8:teamsvisitor:${TENANT}`,
    },
  ],
  [
    `28:orgid:${APP}`,
    { kind: 'microsoftTeamsApp', teamsAppId: APP, cloud: 'public', rawId: `28:orgid:${APP}` },
  ],
  [`28:dod:${APP}`, { kind: 'microsoftTeamsApp', teamsAppId: APP, cloud: 'dod', rawId: `28:dod:${APP}` }],
  [`28:gcch:${APP}`, { kind: 'microsoftTeamsApp', teamsAppId: APP, cloud: 'gcch', rawId: `28:gcch:${APP}` }],
  [
    '4:+112345556789',
    { kind: 'phoneNumber', phoneNumber: '+112345556789', isAnonymous: false, rawId: '4:+112345556789' },
  ],
  [
    '4:112345556789',
    { kind: 'phoneNumber', phoneNumber: '112345556789', isAnonymous: false, rawId: '4:112345556789' },
  ],
  ['4:anonymous', { kind: 'phoneNumber', phoneNumber: 'anonymous', isAnonymous: true, rawId: '4:anonymous' }],
  [
    `4:+112345556789_${USER}`,
    {
      kind: 'phoneNumber',
      phoneNumber: `+112345556789_${USER}`,
      isAnonymous: false,
      assertedId: USER,
      rawId: `4:+112345556789_${USER}`,
    },
  ],
  [`28:${TENANT}`, { kind: 'unknown', id: `28:${TENANT}` }],
  [`48:${TENANT}`, { kind: 'unknown', id: `48:${TENANT}` }],
  ['', { kind: 'unknown', id: '' }],
  ['8:acs:a:b', { kind: 'unknown', id: '8:acs:a:b' }],
  [`9:orgid:${TENANT}`, { kind: 'unknown', id: `9:orgid:${TENANT}` }],
];

describe('parseIdentifier and formatIdentifier', () => {
  it.each(EXAMPLES)('parses %j into its kind and formats it back', (rawId, expected) => {
    const parsed = parseIdentifier(rawId);
    expect(parsed).toEqual(expected);
    expect(formatIdentifier(parsed)).toBe(rawId);
  });

  it('leaves a trailing underscore of a phone number out of the asserted id', () => {
    expect(parseIdentifier('4:+112345556789_')).not.toHaveProperty('assertedId');
  });

  it('formats from the fields, not from a stale rawId', () => {
    expect(
      formatIdentifier({
        kind: 'microsoftTeamsUser',
        microsoftTeamsUserId: 'x',
        isAnonymous: false,
        cloud: 'dod',
        rawId: 'stale',
      }),
    ).toBe('8:dod:x');
  });

  it('rejects a raw id that is not a string', () => {
    expect(() => parseIdentifier(42 as unknown as string)).toThrow(/must be a string/);
  });

  it('round-trips any string through parse then format', () => {
    const rawIds = fc.oneof(
      fc.string(),
      fc
        .tuple(
          fc.constantFrom(
            '8:acs:',
            '8:dod-acs:',
            '8:gcch-acs:',
            '8:spool:',
            '8:orgid:',
            '8:dod:',
            '8:gcch:',
            '8:teamsvisitor:',
            '28:orgid:',
            '28:dod:',
            '28:gcch:',
            '4:',
            '28:',
            '8:',
          ),
          fc.string(),
        )
        .map(([p, s]) => p + s),
      fc.array(fc.constantFrom('a', '_', ':', '4', '8', '+', '-'), { maxLength: 12 }).map((a) => a.join('')),
    );
    fc.assert(fc.property(rawIds, (rawId) => formatIdentifier(parseIdentifier(rawId)) === rawId));
  });

  it('round-trips any well-formed identifier through format then parse', () => {
    const part = fc.stringMatching(/^[A-Za-z0-9+.-]{1,20}$/);
    const cloud = fc.constantFrom<CommunicationCloud>('public', 'dod', 'gcch');
    const acsPrefix = fc.constantFrom('8:acs:', '8:dod-acs:', '8:gcch-acs:', '8:spool:');
    const kinds: fc.Arbitrary<CommunicationIdentifierKind> = fc.oneof(
      fc
        .tuple(
          acsPrefix,
          fc.array(part, { minLength: 1, maxLength: 4 }).filter((a) => a.length !== 3),
        )
        .map(([p, a]) => ({ kind: 'communicationUser' as const, communicationUserId: p + a.join('_') })),
      fc.tuple(part, part, part, cloud).map(([resourceId, tenantId, userId, c]) => {
        const base = {
          kind: 'teamsExtensionUser' as const,
          resourceId,
          tenantId,
          userId,
          cloud: c,
          rawId: '',
        };
        return { ...base, rawId: formatIdentifier(base) };
      }),
      fc.tuple(part, cloud, fc.boolean()).map(([id, c, isAnonymous]) => {
        const base = {
          kind: 'microsoftTeamsUser' as const,
          microsoftTeamsUserId: id,
          isAnonymous,
          cloud: isAnonymous ? 'public' : c,
          rawId: '',
        };
        return { ...base, rawId: formatIdentifier(base) };
      }),
      fc.tuple(part, cloud).map(([teamsAppId, c]) => {
        const base = { kind: 'microsoftTeamsApp' as const, teamsAppId, cloud: c, rawId: '' };
        return { ...base, rawId: formatIdentifier(base) };
      }),
      fc
        .tuple(fc.stringMatching(/^\+?[0-9]{1,15}$/), fc.option(part, { nil: undefined }))
        .map(([num, assertedId]) => {
          const phoneNumber = assertedId === undefined ? num : `${num}_${assertedId}`;
          return {
            kind: 'phoneNumber' as const,
            phoneNumber,
            isAnonymous: false,
            ...(assertedId === undefined ? {} : { assertedId }),
            rawId: `4:${phoneNumber}`,
          };
        }),
    );
    fc.assert(
      fc.property(kinds, (kind) => {
        expect(parseIdentifier(formatIdentifier(kind))).toEqual(kind);
      }),
    );
  });
});

describe('type guards', () => {
  it('tell each kind apart', () => {
    const kinds = EXAMPLES.map(([rawId]) => parseIdentifier(rawId));
    const guards = [
      isCommunicationUserKind,
      isTeamsExtensionUserKind,
      isMicrosoftTeamsUserKind,
      isMicrosoftTeamsAppKind,
      isPhoneNumberKind,
      isUnknownIdentifierKind,
    ];
    for (const kind of kinds) expect(guards.filter((guard) => guard(kind))).toHaveLength(1);
    expect(isTeamsExtensionUserKind(parseIdentifier(`8:acs:${RESOURCE}_${TENANT}_${USER}`))).toBe(true);
  });
});

describe('communication user ids', () => {
  it.each([
    `8:acs:${RESOURCE}_${TENANT}`,
    `8:spool:${RESOURCE}_${TENANT}`,
    `8:dod-acs:${RESOURCE}_x`,
    '8:gcch-acs:a.b-c',
  ])('accepts %s', (rawId) => {
    expect(isCommunicationUserId(rawId)).toBe(true);
    expect(assertCommunicationUserId(rawId)).toBe(rawId);
  });

  it.each([
    '',
    '8:acs:',
    `8:acs:${RESOURCE}_${TENANT}_${USER}`,
    `8:orgid:${TENANT}`,
    '4:+112345556789',
    `acs:${RESOURCE}`,
    `8:acs:${RESOURCE}/../x`,
    `8:acs:${RESOURCE} x`,
  ])('rejects %j', (rawId) => {
    expect(isCommunicationUserId(rawId)).toBe(false);
    expect(() => assertCommunicationUserId(rawId)).toThrow(/is not a Communication Services user id/);
  });

  it('names the target in the error and asks to remove surrounding whitespace', () => {
    try {
      assertCommunicationUserId(` 8:acs:${RESOURCE}_${TENANT}`, 'user');
      expect.fail('should throw');
    } catch (e) {
      expect(isAcsIdentityError(e) && e.code === 'INVALID_INPUT' && e.target === 'user').toBe(true);
      expect((e as Error).message).toMatch(/Remove the surrounding whitespace/);
    }
  });

  it('does not echo a token pasted in place of an id', () => {
    const token = `eyJhbGciOiJSUzI1NiJ9.${'eyJza3lwZWlkIjoiYWNzOngifQ'}.c2lnbmF0dXJlc2lnbmF0dXJl`;
    expect(() => assertCommunicationUserId(token)).toThrow(/<redacted token>/);
    expect(() => assertCommunicationUserId(token)).not.toThrow(token.slice(20));
  });
});
