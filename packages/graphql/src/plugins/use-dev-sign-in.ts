import type { Plugin } from 'graphql-yoga';
import type { DevSigner } from '../dev-signer.js';
import { errorResponse, GatewayError, jsonResponse } from '../errors.js';
import type { Logger } from '../logger.js';
import { requestState } from '../request-state.js';
import type { GatewayContext } from '../schema/context.js';

/** Options of {@link useDevSignIn}. */
export interface DevSignInOptions {
  /** Signs the tokens (its key is kept in the data folder, so they survive a restart). */
  signer: DevSigner;
  logger: Logger;
  /**
   * Where demo users sign in.
   * @default '/dev/sign-in'
   */
  endpoint?: string;
}

const HOW = 'POST a JSON body {"user":"alice"} with content-type application/json.';

/**
 * Development mode only: `POST /dev/sign-in {"user":"alice"}` answers `{"token","expiresOn"}`, an RS256 token of the
 * development issuer for that user, valid for an hour. Installed only with `dev`; without it the route is 404.
 */
export function useDevSignIn(options: DevSignInOptions): Plugin<GatewayContext> {
  const { signer, logger } = options;
  const endpoint = options.endpoint ?? '/dev/sign-in';
  return {
    onRequest({ request, url, endResponse }) {
      if (url.pathname !== endpoint || request.method === 'OPTIONS') return;
      const json = (request.headers.get('content-type') ?? '').includes('application/json');
      if (request.method !== 'POST' || !json) {
        endResponse(errorResponse(new GatewayError('BAD_USER_INPUT', HOW)));
        return;
      }
      return request
        .json()
        .catch(() => undefined)
        .then((body: unknown) => signer.sign((body as { user?: unknown } | undefined)?.user))
        .then(
          ({ token, expiresOn }) => {
            logger.info('dev sign-in', { requestId: requestState(request).requestId });
            endResponse(
              jsonResponse({ token, expiresOn: expiresOn.toISOString() }, 200, {
                'cache-control': 'no-store',
              }),
            );
          },
          (e: unknown) => endResponse(errorResponse(e)),
        );
    },
  };
}
