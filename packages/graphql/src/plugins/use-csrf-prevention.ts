import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../schema/context.js';

/** Options of {@link useCsrfPrevention}. */
export interface CsrfPreventionOptions {
  /**
   * Headers whose presence makes a browser preflight the request, so any of them lets a simple request through.
   * @default ['x-graphql-csrf', 'graphql-require-preflight', 'apollo-require-preflight', 'x-graphql-yoga-csrf']
   */
  requestHeaders?: readonly string[];
}

const MESSAGE =
  'Refused as possible CSRF: send POST with content-type application/json, or add the header x-graphql-csrf: 1.';

/**
 * CSRF prevention by yoga's own plugin (`@graphql-yoga/plugin-csrf-prevention`): `/graphql` takes only requests a
 * browser must preflight, i.e. a content type other than a form's or text's, or one of the `requestHeaders`. Its
 * refusal (403) gets the gateway's code `BAD_REQUEST` and a message that says what to send instead.
 */
export function useCsrfPrevention(options: CsrfPreventionOptions = {}): Plugin<GatewayContext> {
  const yogas = useCSRFPrevention({
    requestHeaders: [
      ...(options.requestHeaders ?? [
        'x-graphql-csrf',
        'graphql-require-preflight',
        'apollo-require-preflight',
        'x-graphql-yoga-csrf',
      ]),
    ],
  });
  return {
    onRequestParse(payload) {
      try {
        return yogas.onRequestParse?.(payload);
      } catch (e) {
        const http = e instanceof GraphQLError ? e.extensions.http : { status: 403 };
        throw createGraphQLError(MESSAGE, { extensions: { code: 'BAD_REQUEST', http } });
      }
    },
  };
}
