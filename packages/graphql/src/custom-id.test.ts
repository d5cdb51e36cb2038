import { CUSTOM_ID_MAX_LENGTH } from '@acs-identity/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { customIdOf } from './custom-id.js';

const ENTRA = 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0';

describe('customIdOf', () => {
  it('reads as the issuer and the subject when they fit', () => {
    expect(customIdOf({ issuer: 'urn:acs-identity:gateway:dev', subject: 'alice' })).toBe(
      'oidc:urn%3Aacs-identity%3Agateway%3Adev:alice',
    );
    expect(customIdOf({ issuer: ENTRA, subject: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ' })).toBe(
      'oidc:https%3A%2F%2Flogin.microsoftonline.com%2F72f988bf-86f1-41af-91ab-2d7cd011db47%2Fv2.0:AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
    );
  });

  it('keeps apart pairs that a plain separator would join alike', () => {
    const a = customIdOf({ issuer: 'https://a.example/x:y', subject: 'z' });
    const b = customIdOf({ issuer: 'https://a.example/x', subject: 'y:z' });
    expect(a).not.toBe(b);
  });

  it('fits a long pair into 256 characters with a SHA-256 of the exact pair and a readable beginning', () => {
    const id = customIdOf({ issuer: ENTRA, subject: 's'.repeat(300) });
    expect(id).toHaveLength(CUSTOM_ID_MAX_LENGTH);
    expect(id).toMatch(/^oidc-sha256:[0-9a-f]{64}:https%3A%2F%2Flogin\.microsoftonline\.com%2F/);
    // Pairs that differ only past what is shown still differ.
    expect(customIdOf({ issuer: ENTRA, subject: `${'s'.repeat(299)}t` })).not.toBe(id);
  });

  it('hashes text that has no percent-encoding (a lone surrogate) instead of failing', () => {
    const id = customIdOf({ issuer: ENTRA, subject: 'bad\uD800' });
    expect(id).toMatch(/^oidc-sha256:[0-9a-f]{64}:/);
    expect(customIdOf({ issuer: ENTRA, subject: 'bad\uDC00' })).not.toBe(id);
    expect(id).toMatch(/^[\x21-\x7e]+$/);
  });

  it('gives every pair its own printable id of 1 to 256 characters', () => {
    const pair = fc.record({ issuer: fc.string({ maxLength: 200 }), subject: fc.string({ maxLength: 200 }) });
    fc.assert(
      fc.property(pair, pair, (a, b) => {
        const idA = customIdOf(a);
        expect(idA.length).toBeGreaterThan(0);
        expect(idA.length).toBeLessThanOrEqual(CUSTOM_ID_MAX_LENGTH);
        expect(idA).toMatch(/^[\x21-\x7e]+$/);
        const same = a.issuer === b.issuer && a.subject === b.subject;
        expect(idA === customIdOf(b)).toBe(same);
      }),
      { numRuns: 2000 },
    );
  });

  it('is the same on every instance and every run', () => {
    expect(customIdOf({ issuer: 'https://issuer.example/', subject: 'x'.repeat(260) })).toMatchInlineSnapshot(
      `"oidc-sha256:fd88566646919073478545829489e09b26460fc936a2607924b0d3f6c985cd12:https%3A%2F%2Fissuer.example%2F:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"`,
    );
  });
});
