/** Replaces secrets in text written to the terminal: access keys, HMAC signatures, JWTs, bearer tokens. */

const MASK = '***';

const PATTERNS: readonly [RegExp, string][] = [
  // Connection strings and anything shaped like key=value; not a placeholder such as `accesskey=<base64 key>`
  [/(accesskey\s*=\s*)(?!<[^<>;"']*>(?:[;"'\s]|$))[^;\s"']+/gi, `$1${MASK}`],
  // HMAC authorization header
  [/(Signature=)[A-Za-z0-9+/=%]+/g, `$1${MASK}`],
  // Bearer credentials
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${MASK}`],
  // Compact JWS / JWT (header starts with {" -> eyJ)
  [/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, `<jwt ${MASK}>`],
  // JSON fields that carry secrets
  [
    /("(?:token|accessKey|access_key|aadToken|aad_token|connectionString|password)"\s*:\s*")[^"]*"/gi,
    `$1${MASK}"`,
  ],
  // Query parameters
  [/([?&](?:token|code|sig|signature|access_token)=)[^&\s]+/gi, `$1${MASK}`],
];

const extraSecrets = new Set<string>();

/** Registers a literal secret (e.g. the access key just parsed) so it is masked wherever it appears. */
export function addSecret(secret: string | undefined): void {
  if (secret && secret.length >= 8) extraSecrets.add(secret);
}

/** Returns the text with every known secret masked. */
export function redact(text: string): string {
  let out = text;
  for (const secret of extraSecrets) out = out.split(secret).join(MASK);
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
