import { randomBytes } from 'node:crypto';

export { dropSchema, testDatabaseUrl, uniqueSchema } from '@acs-identity/testing';

/** An admin key of the required strength. */
export function adminKey(): string {
  return randomBytes(32).toString('base64url');
}

/** Something that answers fetch-style requests: a gateway (`gateway.fetch`) or a real port (global `fetch`). */
export type Fetcher = (url: string, init: RequestInit) => Promise<Response>;

export interface GraphQLResponse {
  status: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown>; path?: readonly (string | number)[] }[];
  };
  headers: Headers;
}

/** Sends one GraphQL operation. `auth` is the bearer value (admin key or JWT), if any. */
export async function graphql(
  fetcher: Fetcher,
  base: string,
  query: string,
  options: { auth?: string; variables?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.auth !== undefined) headers.authorization = `Bearer ${options.auth}`;
  const response = await fetcher(new URL('graphql', base).toString(), {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables: options.variables ?? {} }),
  });
  return {
    status: response.status,
    body: (await response.json()) as GraphQLResponse['body'],
    headers: response.headers,
  };
}

/** The errors of a response reduced to what clients rely on: message, code, field. */
export function errorsOf(response: GraphQLResponse) {
  return (response.body.errors ?? []).map((e) => ({
    message: e.message,
    code: e.extensions?.code,
    ...(e.extensions?.field === undefined ? {} : { field: e.extensions.field }),
  }));
}

/** `data[name]` of a response; throws with the whole body when it is missing. */
export function dataOf<T>(response: GraphQLResponse, name: string): T {
  const value = response.body.data?.[name];
  if (value === undefined || value === null)
    throw new Error(`No ${name} in ${JSON.stringify(response.body)}`);
  return value as T;
}
