import { SCOPE_SERVICE_NAMES, type TokenScope } from '@acs-identity/core/vocabulary';

/** Pure formatting helpers shared by the views (unit tested in Node). */

/** `3725000` -> `1:02:05`, `59000` -> `0:59`; negative durations read as `expired`. */
export function formatCountdown(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return 'expired';
  const total = Math.floor(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const ss = String(seconds).padStart(2, '0');
  if (hours > 0) return `${hours}:${String(minutes).padStart(2, '0')}:${ss}`;
  return `${minutes}:${ss}`;
}

/** A rounded duration: `45 s`, `50 min`, `2 h 5 min` (the sign is ignored). */
export function formatDuration(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  const h = Math.floor(seconds / 3600);
  const m = Math.round((seconds % 3600) / 60);
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** A phrase for an instant relative to now: `in 50 min`, `in 45 s`, `2 h 5 min ago`. */
export function formatRelative(ms: number): string {
  return ms >= 0 ? `in ${formatDuration(ms)}` : `${formatDuration(ms)} ago`;
}

/** Local wall-clock time with seconds, e.g. `14:03:07`, and the date when it is not `now`'s day. */
export function formatTime(date: Date, now: Date = new Date()): string {
  const time = date.toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  if (date.toDateString() === now.toDateString()) return time;
  return `${date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`;
}

/** The share of a token's lifetime still left, 0..1. */
export function lifetimeLeft(issuedAtMs: number, expiresAtMs: number, nowMs: number): number {
  const span = expiresAtMs - issuedAtMs;
  if (span <= 0) return 0;
  return Math.min(1, Math.max(0, (expiresAtMs - nowMs) / span));
}

/** Shortens a JWT for display: the first and last characters around an ellipsis. */
export function abbreviateToken(token: string, keep = 12): string {
  if (token.length <= keep * 2 + 1) return token;
  return `${token.slice(0, keep)}…${token.slice(-keep)}`;
}

/** A scope as the gateway's enum writes it, its service name (`chat.join` -> `CHAT_JOIN`); others as given. */
export function toScopeEnum(scope: string): string {
  const name = scope.trim();
  return Object.hasOwn(SCOPE_SERVICE_NAMES, name) ? SCOPE_SERVICE_NAMES[name as TokenScope] : name;
}

/** Demo user names as the gateway's development sign-in takes them: a letter or digit, then up to 63 letters, digits, dots, dashes or underscores. */
export function normalizeUserName(input: string): string | undefined {
  const name = input.trim().toLowerCase();
  return /^[a-z0-9][a-z0-9._-]{0,63}$/.test(name) ? name : undefined;
}
