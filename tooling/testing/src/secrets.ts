/** The base64 access key of a connection string (`endpoint=...;accesskey=...`). */
export function accessKeyOf(connectionString: string): string {
  const key = /accesskey=([^;]+)/i.exec(connectionString)?.[1];
  if (key === undefined) throw new Error('connection string without accesskey');
  return key;
}

/**
 * Labels of the secrets in `secrets` (those of 8 characters or more) that appear in `text`, also in their
 * base64url and percent-encoded forms.
 */
export function findSecrets(text: string, secrets: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [label, secret] of Object.entries(secrets)) {
    if (secret.length < 8) continue;
    const forms = [
      secret,
      encodeURIComponent(secret),
      secret.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
    ];
    if (forms.some((f) => text.includes(f))) found.push(label);
  }
  return found;
}
