import { describe, expect, it } from 'vitest';
import {
  abbreviateToken,
  formatCountdown,
  formatDuration,
  formatRelative,
  lifetimeLeft,
  normalizeUserName,
  toScopeEnum,
} from './format.js';

describe('formatCountdown', () => {
  it('shows minutes and seconds under an hour', () => {
    expect(formatCountdown(59_000)).toBe('0:59');
    expect(formatCountdown(10 * 60_000 + 5_000)).toBe('10:05');
  });

  it('shows hours when an hour or more is left', () => {
    expect(formatCountdown(3_725_000)).toBe('1:02:05');
  });

  it('reads zero and negative durations as expired', () => {
    expect(formatCountdown(0)).toBe('expired');
    expect(formatCountdown(-1)).toBe('expired');
  });
});

describe('formatRelative', () => {
  it('says how far ahead or behind an instant is', () => {
    expect(formatRelative(45_000)).toBe('in 45 s');
    expect(formatRelative(50 * 60_000)).toBe('in 50 min');
    expect(formatRelative(-(2 * 3_600_000 + 5 * 60_000))).toBe('2 h 5 min ago');
    expect(formatRelative(3 * 3_600_000)).toBe('in 3 h');
  });
});

describe('lifetimeLeft', () => {
  it('is the share of the lifetime still ahead, clamped to 0..1', () => {
    expect(lifetimeLeft(0, 100, 25)).toBe(0.75);
    expect(lifetimeLeft(0, 100, 200)).toBe(0);
    expect(lifetimeLeft(0, 100, -50)).toBe(1);
    expect(lifetimeLeft(100, 100, 50)).toBe(0);
  });
});

describe('abbreviateToken', () => {
  it('keeps the ends of a long token around an ellipsis', () => {
    expect(abbreviateToken('a'.repeat(10) + 'b'.repeat(30) + 'c'.repeat(10), 10)).toBe(
      `${'a'.repeat(10)}…${'c'.repeat(10)}`,
    );
  });

  it('leaves a short value as it is', () => {
    expect(abbreviateToken('short')).toBe('short');
  });
});

describe('scope names', () => {
  it('writes token scopes as the gateway enum', () => {
    expect(toScopeEnum('chat.join.limited')).toBe('CHAT_JOIN_LIMITED');
    expect(toScopeEnum(' voip ')).toBe('VOIP');
  });
});

describe('normalizeUserName', () => {
  it('accepts simple names in lower case', () => {
    expect(normalizeUserName('  Dave ')).toBe('dave');
    expect(normalizeUserName('team.lead-2_x')).toBe('team.lead-2_x');
  });

  it('rejects empty, long or odd names', () => {
    expect(normalizeUserName('')).toBeUndefined();
    expect(normalizeUserName('a'.repeat(65))).toBeUndefined();
    expect(normalizeUserName('a b')).toBeUndefined();
    expect(normalizeUserName('<script>')).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it('rounds to seconds, minutes or hours and minutes, ignoring the sign', () => {
    expect(formatDuration(44_600)).toBe('45 s');
    expect(formatDuration(-50 * 60_000)).toBe('50 min');
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000)).toBe('2 h 5 min');
  });
});
