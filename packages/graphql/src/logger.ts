/** The severities of log entries, lowest first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** Severity of a log entry. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One structured log entry, already redacted. */
export interface LogEntry {
  time: string;
  level: LogLevel;
  msg: string;
  [field: string]: unknown;
}

/** Receives every log entry of the gateway (already redacted). */
export type LogSink = (entry: LogEntry) => void;

/** The logger the gateway passes around. */
export interface Logger {
  /** Whether entries of `level` are written (to skip building fields that would be dropped). */
  enabled(level: LogLevel): boolean;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const LEVELS: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Field names whose values are never logged. */
const SECRET_KEY =
  /token|authorization|secret|password|passwd|accesskey|access_key|connectionstring|apikey|adminkey|credential|cookie|^key$|keys$/i;

/** Secrets recognised inside free text. */
const SECRET_PATTERNS: readonly [RegExp, string][] = [
  [/eyJ[\w-]*\.[\w-]*\.[\w-]*/g, '[REDACTED JWT]'],
  [/(accesskey\s*=\s*)[^;\s"']+/gi, '$1[REDACTED]'],
  [/(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1[REDACTED]'],
  [/(hmac-sha256\s+)[^\s"']+/gi, '$1[REDACTED]'],
  [/(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/gi, '$1[REDACTED]@'],
];

/** Matches wherever any of {@link SECRET_PATTERNS} might (a superset): one test instead of five on clean text. */
const ANY_SECRET = new RegExp(SECRET_PATTERNS.map(([pattern]) => pattern.source).join('|'), 'i');

/** Removes secrets from text: JWTs, access keys, bearer values, database passwords. */
export function redactText(text: string): string {
  if (!ANY_SECRET.test(text)) return text;
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A deep copy of `value` with secret-named fields replaced and secrets in strings removed. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 6) return '[…]';
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: redactText(value.message) };
    const code = (value as { code?: unknown }).code;
    if (typeof code === 'string') out.code = code;
    if (value.cause !== undefined) out.cause = redact(value.cause, depth + 1);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      SECRET_KEY.test(k) && v !== undefined && v !== null && typeof v !== 'boolean'
        ? '[REDACTED]'
        : redact(v, depth + 1);
  }
  return out;
}

/** Writes JSON lines to stdout (debug/info) and stderr (warn/error). */
export const jsonLinesSink: LogSink = (entry) => {
  const line = `${JSON.stringify(entry)}\n`;
  if (LEVELS[entry.level] >= LEVELS.warn) process.stderr.write(line);
  else process.stdout.write(line);
};

/** A logger that redacts every entry before handing it to `sink`, dropping entries below `minLevel`. */
export function createLogger(sink: LogSink, minLevel: LogLevel, now: () => number): Logger {
  const log = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < LEVELS[minLevel]) return;
    const safe = fields === undefined ? {} : (redact(fields) as Record<string, unknown>);
    sink({ ...safe, time: new Date(now()).toISOString(), level, msg: redactText(msg) });
  };
  return {
    enabled: (level) => LEVELS[level] >= LEVELS[minLevel],
    debug: (msg, fields) => log('debug', msg, fields),
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
  };
}
