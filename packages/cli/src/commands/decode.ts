import { decodeAccessToken } from '@acs-identity/core';
import type { InputStream } from '../context.js';
import { CliError } from '../errors.js';
import type { CommandHandler } from '../handler.js';
import type { JsonValue } from '../json.js';
import { addSecret } from '../redact.js';
import type { TOKEN_DECODE } from '../specs/identity.js';

async function readAll(stream: InputStream): Promise<string> {
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of stream)
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/** Formats a duration as `1d 2h 3m 4s`, leaving out leading zero units. */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.floor(Math.abs(ms) / 1000));
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || (parts.length > 0 && unit !== 's') || unit === 's') parts.push(`${n}${unit}`);
  }
  return parts.join(' ');
}

/** No token to decode: none given, and none piped in (a terminal, or empty input). */
function noToken(why: string): CliError {
  return new CliError(
    'USAGE',
    `token decode needs a token: give it as an argument or pipe it into stdin (${why})`,
    {
      hint: 'E.g. `acs-identity token issue --scope chat --query token -o tsv | acs-identity token decode`.',
    },
  );
}

/** `token decode <jwt>`: claims, scopes, identity and expiry of a token, without verifying it. */
export const tokenDecode: CommandHandler<typeof TOKEN_DECODE> = async (args, { io }) => {
  // yargs hands a lone `-` over as an empty string.
  let token = args.jwt ?? '';
  if (token === '' || token === '-') {
    if (io.stdin.isTTY) throw noToken('stdin is a terminal');
    token = (await readAll(io.stdin)).trim();
    if (token === '') throw noToken('stdin was empty');
  }
  addSecret(token);
  const decoded = decodeAccessToken(token);
  const msLeft = decoded.expiresOnTimestamp - io.now();
  const out: { [key: string]: JsonValue } = {
    header: decoded.header as JsonValue,
    claims: decoded.claims as JsonValue,
    expires_on: decoded.expiresOn.toISOString(),
    expired: msLeft <= 0,
    seconds_left: Math.max(0, Math.floor(msLeft / 1000)),
    time_left: msLeft <= 0 ? `expired ${formatDuration(-msLeft)} ago` : formatDuration(msLeft),
    verified: false,
  };
  if (decoded.issuedAt) out.issued_at = decoded.issuedAt.toISOString();
  if (decoded.scopes) out.scopes = decoded.scopes;
  if (decoded.rawId) out.user_id = decoded.rawId;
  return out;
};
