/**
 * Core's identifier kinds agree with communication-common's (the SDKs' parser and wire serializer), the Teams extension
 * user (`8:acs:<resource>_<tenant>_<user>`, also `8:dod-acs:`/`8:gcch-acs:`) included: same kind, same fields, the
 * same raw id back, and a serializer round trip that core reads as it read the raw id.
 */
import {
  createIdentifierFromRawId,
  deserializeCommunicationIdentifier,
  getIdentifierRawId,
  serializeCommunicationIdentifier,
} from '@azure/communication-common';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIdentifier, parseIdentifier } from '../src/index.js';

const segment = fc.stringMatching(/^[A-Za-z0-9-]{0,12}$/);
const rawIds = fc.oneof(
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
        '4:',
        '8:x:',
      ),
      fc.array(segment, { minLength: 1, maxLength: 4 }),
    )
    .map(([prefix, parts]) => `${prefix}${parts.join('_')}`),
  fc.string(),
);

/** The fields both parsers describe (they use the same names). */
function fieldsOf(identifier: { kind: string }): Record<string, unknown> {
  const k = identifier as { kind: string } & Record<string, unknown>;
  switch (k.kind) {
    case 'teamsExtensionUser':
      return {
        kind: k.kind,
        userId: k.userId,
        tenantId: k.tenantId,
        resourceId: k.resourceId,
        cloud: k.cloud,
      };
    case 'communicationUser':
      return { kind: k.kind, communicationUserId: k.communicationUserId };
    default:
      return { kind: k.kind };
  }
}

describe('identifiers: core and communication-common agree', () => {
  it('reads every ACS-shaped raw id as the same kind with the same fields, and gives the same raw id back', () => {
    fc.assert(
      fc.property(rawIds, (rawId) => {
        const sdk = createIdentifierFromRawId(rawId);
        if (sdk.kind === 'communicationUser' || sdk.kind === 'teamsExtensionUser') {
          expect(fieldsOf(parseIdentifier(rawId))).toEqual(fieldsOf(sdk));
        }
        expect(getIdentifierRawId(sdk)).toBe(formatIdentifier(parseIdentifier(rawId)));
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips a Teams extension user through the wire serializer in every cloud', () => {
    const resource = 'bbbcbc1e-9f06-482a-b5d8-20e3f26ef0cd';
    const tenant = '45ab2481-1c1c-4005-be24-0ffb879b1130';
    const user = '207ffef6-9444-41fb-92ab-20eacaae2768';
    for (const [prefix, cloud] of [
      ['8:acs:', 'public'],
      ['8:dod-acs:', 'dod'],
      ['8:gcch-acs:', 'gcch'],
    ] as const) {
      const rawId = `${prefix}${resource}_${tenant}_${user}`;
      const wire = serializeCommunicationIdentifier(createIdentifierFromRawId(rawId));
      expect(wire).toEqual({
        rawId,
        teamsExtensionUser: { userId: user, tenantId: tenant, resourceId: resource, cloud },
      });
      const back = deserializeCommunicationIdentifier(wire);
      expect(parseIdentifier(getIdentifierRawId(back))).toEqual(parseIdentifier(rawId));
      expect(parseIdentifier(rawId)).toEqual({
        kind: 'teamsExtensionUser',
        userId: user,
        tenantId: tenant,
        resourceId: resource,
        cloud,
        rawId,
      });
      expect(formatIdentifier(parseIdentifier(rawId))).toBe(rawId);
    }
  });

  it("reads the Entra user id of the exchange (four parts, with 'wf') as a communication user, as the SDK does", () => {
    const rawId =
      '8:acs:2dee53b4-368b-45b4-ab52-8493fb117652_wf_c70d068c-2f32-484d-9455-73070cd5aadd_b27b64b9-39d2-44a3-869d-67700b74e805';
    expect(createIdentifierFromRawId(rawId).kind).toBe('communicationUser');
    expect(parseIdentifier(rawId)).toEqual({ kind: 'communicationUser', communicationUserId: rawId });
  });
});
