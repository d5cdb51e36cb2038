import type { TokenRefresherEnvironment } from './environment.js';
import { FATAL, TokenRefresherError } from './errors.js';
import type { FetchToken } from './token.js';

interface GraphQLAnswer {
  data?: { issueMyToken?: { token: string; expiresOn: string; serverTime?: string } | null } | null;
  errors?: { message?: string; extensions?: { code?: string; retryAfter?: number } }[];
}

/**
 * A token source calling the acs-identity gateway's `issueMyToken` mutation. 401/403, `UNAUTHENTICATED`,
 * `FORBIDDEN` and `BAD_USER_INPUT` become fatal errors; everything else is retried. A throttled request (429,
 * GraphQL `THROTTLED`) is retried no earlier than the `Retry-After` header, or the error's `extensions.retryAfter`
 * (seconds), says. The server time comes from the answer's `serverTime`, else from the `Date` header (readable
 * same-origin, or cross-origin when exposed).
 */
export function gatewaySource(
  url: string,
  scopes: string[],
  minutes: number | undefined,
  authorization: (() => string | undefined | Promise<string | undefined>) | undefined,
  env: TokenRefresherEnvironment,
): FetchToken {
  return async ({ signal }) => {
    const auth = await authorization?.();
    let res: Awaited<ReturnType<TokenRefresherEnvironment['fetch']>>;
    try {
      res = await env.fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(auth && { authorization: auth }),
        },
        body: JSON.stringify({
          query:
            'mutation($s:[TokenScope!]!,$m:Int){issueMyToken(scopes:$s,expiresInMinutes:$m){token expiresOn serverTime}}',
          variables: { s: scopes, m: minutes ?? null },
        }),
        signal,
      });
    } catch (cause) {
      throw new TokenRefresherError('SERVICE_UNAVAILABLE', `Could not reach the token service at ${url}.`, {
        cause,
      });
    }
    const status = res.status;
    const body = (await res.json().catch(() => undefined)) as GraphQLAnswer | undefined;
    const error = body?.errors?.[0];
    const ext = error?.extensions;
    const code = FATAL[status] ?? FATAL[ext?.code as string];
    const retryAfter = Number(res.headers.get('retry-after') ?? ext?.retryAfter) * 1000 || undefined;
    const t = body?.data?.issueMyToken;
    if (code || !t) {
      throw new TokenRefresherError(
        code ?? 'SERVICE_UNAVAILABLE',
        `The token service answered ${status}${error?.message ? `: ${error.message}` : ''}`,
        { status, retryAfterMs: retryAfter },
      );
    }
    return { ...t, serverTime: t.serverTime ?? res.headers.get('date') ?? undefined };
  };
}
