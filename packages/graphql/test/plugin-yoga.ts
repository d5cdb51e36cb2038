// A yoga with a two-field schema and only the plugins under test, for the plugin tests in src/plugins/*.test.ts.
import { createSchema, createYoga, type Plugin } from 'graphql-yoga';
import { createLogger, type LogEntry, type Logger } from '../src/logger.js';
import { requestState } from '../src/request-state.js';
import type { GatewayContext } from '../src/schema/context.js';

export type TestYoga = ReturnType<typeof yogaWith>;

/** yoga with `plugins` only, over `type Query { hello(name: String!): String! whoami: String }`. */
export function yogaWith(plugins: Plugin<GatewayContext>[]) {
  return createYoga<Record<string, unknown>, GatewayContext>({
    schema: createSchema<Record<string, unknown> & GatewayContext>({
      typeDefs: 'type Query { hello(name: String!): String! whoami: String }',
      resolvers: {
        Query: {
          hello: (_: unknown, { name }: { name: string }) => `hello ${name}`,
          whoami: (_: unknown, _args: unknown, ctx: GatewayContext) => ctx.caller?.id ?? null,
        },
      },
    }),
    context: ({ request }) => ({ requestId: requestState(request).requestId }),
    plugins,
    logging: false,
    landingPage: false,
    graphiql: false,
  });
}

/** POSTs one operation as JSON; returns status, headers and the parsed body. */
export async function post(
  yoga: TestYoga,
  query: string,
  options: { headers?: Record<string, string>; variables?: Record<string, unknown> } = {},
) {
  const response = await yoga.fetch('http://yoga.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify({ query, variables: options.variables ?? {} }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as {
      data?: Record<string, unknown> | null;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    },
  };
}

/** A logger that keeps its entries. */
export function keptLogs(): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return { logger: createLogger((e) => entries.push(e), 'debug', Date.now), entries };
}
