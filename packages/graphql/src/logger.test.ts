import { describe, expect, it } from 'vitest';
import { createLogger, type LogEntry, redact, redactText } from './logger.js';

describe('redaction', () => {
  it('removes JWTs, access keys, bearer values and database passwords from text', () => {
    expect(
      redactText(
        'token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl endpoint=https://x/;accesskey=c2VjcmV0 Authorization: Bearer abcdefghijklmnop postgres://acs:hunter2@db/x',
      ),
    ).toMatchInlineSnapshot(
      `"token [REDACTED JWT] endpoint=https://x/;accesskey=[REDACTED] Authorization: Bearer [REDACTED] postgres://acs:[REDACTED]@db/x"`,
    );
  });

  it('replaces secret-named fields at any depth and keeps the rest', () => {
    expect(
      redact({
        user: 'alice',
        authorization: 'Bearer x',
        nested: { connectionString: 'e', accessKey: 'k', count: 2 },
        ok: true,
      }),
    ).toEqual({
      user: 'alice',
      authorization: '[REDACTED]',
      nested: { connectionString: '[REDACTED]', accessKey: '[REDACTED]', count: 2 },
      ok: true,
    });
  });

  it('logs errors by name, message and code only', () => {
    const error = Object.assign(new Error('failed with accesskey=abc'), { code: 'X' });
    expect(redact(error)).toEqual({ name: 'Error', message: 'failed with accesskey=[REDACTED]', code: 'X' });
  });
});

describe('the logger', () => {
  it('writes redacted entries at or above its level', () => {
    const entries: LogEntry[] = [];
    const logger = createLogger(
      (e) => entries.push(e),
      'info',
      () => Date.parse('2026-11-22T03:00:00.000Z'),
    );
    logger.debug('hidden');
    logger.info('signed in', { token: 'eyJa.eyJb.c' });
    expect(entries).toEqual([
      { token: '[REDACTED]', time: '2026-11-22T03:00:00.000Z', level: 'info', msg: 'signed in' },
    ]);
  });
});
