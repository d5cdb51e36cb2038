import { describe, expect, it } from 'vitest';
import { closest } from './suggest.js';

describe('closest', () => {
  it('suggests the word a typo most likely meant', () => {
    expect(closest('tokn', ['user', 'token', 'identifier'])).toBe('token');
    expect(closest('isue', ['issue', 'revoke', 'decode'])).toBe('issue');
    expect(closest('scpoe', ['scope', 'user', 'expires-in-minutes'])).toBe('scope');
    expect(closest('TOKEN', ['user', 'token'])).toBe('token');
  });

  it('suggests a word the typed one begins', () => {
    expect(closest('emul', ['user', 'emulator', 'gateway'])).toBe('emulator');
  });

  it('suggests nothing for a word far from every candidate', () => {
    expect(closest('frobnicate', ['create', 'delete'])).toBeUndefined();
    expect(closest('x', ['token', 'user'])).toBeUndefined();
  });
});
