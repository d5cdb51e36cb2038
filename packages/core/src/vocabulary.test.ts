import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCOPE_SERVICE_NAMES, SCOPE_SINCE, TOKEN_SCOPES } from './vocabulary.js';

describe('the vocabulary', () => {
  it('is a leaf module: it imports nothing', () => {
    const source = readFileSync(new URL('./vocabulary.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^\s*(import|export)\s[^;]*\sfrom\s/m);
  });

  it('names every scope the way the service spells it in enums', () => {
    for (const scope of TOKEN_SCOPES) {
      expect(SCOPE_SERVICE_NAMES[scope]).toBe(scope.toUpperCase().replaceAll('.', '_'));
      expect(SCOPE_SINCE[scope]).toBe(scope.includes('.') ? '2023-10-01' : '2021-03-07');
    }
  });
});
