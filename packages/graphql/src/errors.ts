import { isAcsIdentityError } from '@acs-identity/core';
import { GraphQLError } from 'graphql';
import type { LogLevel } from './logger.js';

/** How the gateway treats one error code, decided here and nowhere else. */
export interface GatewayErrorRule {
  /** When clients get it (the README's error table). */
  readonly when: string;
  /** HTTP status of an answer this error decides: a route's JSON error, or a GraphQL request refused as a whole. */
  readonly status: number;
  /**
   * Whether a GraphQL response carrying it gets `status`: the request was refused as a whole (no credential,
   * throttled). Otherwise a GraphQL response stays 200, as GraphQL over HTTP has it for `application/json`, and the
   * errors yoga raises itself (a body that is not GraphQL, a refused method) keep yoga's status.
   */
  readonly refusesRequest: boolean;
  /** Level of the log line of an operation that fails with it. */
  readonly level: LogLevel;
  /** Whether clients see {@link MASKED_MESSAGE} instead of the message (which then goes to the log only). */
  readonly masked: boolean;
  /** Thrown by `createGateway`/`startGateway` only; never in an answer. */
  readonly startupOnly?: boolean;
}

/**
 * THE error table of the gateway: every `extensions.code` it answers with (and the two startup codes), each with its
 * HTTP status, log level and masking. Everything else derives from it.
 */
export const GATEWAY_ERRORS = {
  UNAUTHENTICATED: {
    when: 'no, malformed, expired or untrusted credential (the message says which); `WWW-Authenticate: Bearer`',
    status: 401,
    refusesRequest: true,
    level: 'info',
    masked: false,
  },
  FORBIDDEN: {
    when: "the caller's role may not do this (`extensions.field` when an argument is at fault); in `exchangeEntraToken`, also the service refusing that Entra user (no assignment applies, or the application is not among its `clientIds`; `extensions.field` `entraToken`)",
    status: 403,
    refusesRequest: false,
    level: 'info',
    masked: false,
  },
  BAD_USER_INPUT: {
    when: "invalid input, `extensions.field` names the argument or input field (`scopes`, `expiresInMinutes`, `userId`, `customId`, `aadToken`, `entraToken`, `tenantId`, `clientIds`, …); the service's wording where it has one; a Teams or Entra token the service refuses (`InvalidAccessToken`); variables that do not fit the schema are a request error (400)",
    status: 400,
    refusesRequest: false,
    level: 'info',
    masked: false,
  },
  NOT_FOUND: {
    when: 'identity deleted or not of this resource (`IdentityNotOwned`), or not found by `user`',
    status: 404,
    refusesRequest: false,
    level: 'info',
    masked: false,
  },
  THROTTLED: {
    when: "this caller's gateway rate limit, this client's or credential's failed-authentication budget, or the service throttling; `extensions.retryAfter` in seconds and `Retry-After`",
    status: 429,
    refusesRequest: true,
    level: 'info',
    masked: false,
  },
  UPSTREAM_UNAVAILABLE: {
    when: "the identity service or the OpenID provider cannot be reached, or refuses the gateway's own credentials",
    status: 503,
    refusesRequest: false,
    level: 'error',
    masked: false,
  },
  BAD_REQUEST: {
    when: 'the HTTP request itself is refused: possible CSRF (403), a body that is not a JSON object with a string `query` or a batch (400), a mutation over GET (405), a body without `Content-Length` (411) or over 100 kB (413)',
    status: 400,
    refusesRequest: true,
    level: 'info',
    masked: false,
  },
  GRAPHQL_VALIDATION_FAILED: {
    when: 'not valid for the schema, a syntax error, no single operation to run, over a query limit (depth, aliases, cost, more than one `issueMyToken`, more root fields than a minute of the rate limit), or introspection outside dev',
    status: 400,
    refusesRequest: false,
    level: 'info',
    masked: false,
  },
  INVALID_OPTIONS: {
    when: 'startup only: an option or environment variable is wrong (`field` names it)',
    status: 500,
    refusesRequest: false,
    level: 'error',
    masked: false,
    startupOnly: true,
  },
  PORT_IN_USE: {
    when: 'startup only: `startGateway` cannot listen because the port is taken',
    status: 500,
    refusesRequest: false,
    level: 'error',
    masked: false,
    startupOnly: true,
  },
  INTERNAL_SERVER_ERROR: {
    when: 'anything unexpected: the message is masked to `Unexpected error.`, details go to the log',
    status: 500,
    refusesRequest: false,
    level: 'error',
    masked: true,
  },
} as const satisfies Record<string, GatewayErrorRule>;

/** One of {@link GATEWAY_ERROR_CODES}. */
export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

/** The closed set of codes of {@link GATEWAY_ERRORS}. Every error a client sees carries one as `extensions.code`. */
export const GATEWAY_ERROR_CODES = Object.keys(GATEWAY_ERRORS) as readonly GatewayErrorCode[];

/** Whether `code` is one of {@link GATEWAY_ERROR_CODES}. */
export function isGatewayErrorCode(code: unknown): code is GatewayErrorCode {
  return typeof code === 'string' && Object.hasOwn(GATEWAY_ERRORS, code);
}

/** The rule of `code` in {@link GATEWAY_ERRORS}. */
export function ruleOf(code: GatewayErrorCode): GatewayErrorRule {
  return GATEWAY_ERRORS[code];
}

/** The README's error table, generated from {@link GATEWAY_ERRORS}. */
export function errorsMarkdownTable(): string {
  const rows = [
    '| `extensions.code` | HTTP status (GraphQL) | HTTP status (`/dev/sign-in`) | Log level | Message | When |',
    '|---|---|---|---|---|---|',
  ];
  for (const [code, rule] of Object.entries(GATEWAY_ERRORS) as [GatewayErrorCode, GatewayErrorRule][]) {
    const graphql = rule.startupOnly ? '—' : rule.refusesRequest ? String(rule.status) : '200';
    const route = rule.startupOnly ? '—' : String(rule.status);
    const message = rule.masked ? `masked (\`${MASKED_MESSAGE}\`)` : 'as is';
    rows.push(
      `| \`${code}\` | ${graphql} | ${route} | ${rule.level} | ${message} | ${rule.when.replaceAll('|', '\\|')} |`,
    );
  }
  return rows.join('\n');
}

/** Options of a {@link GatewayError}. */
export interface GatewayErrorOptions {
  /** The error that caused this one (kept for logs, never sent to clients). */
  cause?: unknown;
  /** The argument or option at fault, e.g. `expiresInMinutes` or `GATEWAY_OIDC_ISSUER`. */
  field?: string;
  /** For `THROTTLED`: how long the caller should wait before trying again. */
  retryAfterMs?: number;
}

/** The one error class of `@acs-identity/graphql`. Callers read `code`, never the message. Messages hold no secrets. */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly code: GatewayErrorCode;
  readonly field?: string;
  readonly retryAfterMs?: number;

  constructor(code: GatewayErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.field !== undefined) this.field = options.field;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** Whether `e` is a {@link GatewayError} (also across duplicated copies of this package). */
export function isGatewayError(e: unknown): e is GatewayError {
  return (
    e instanceof GatewayError ||
    (e instanceof Error && e.name === 'GatewayError' && isGatewayErrorCode((e as { code?: unknown }).code))
  );
}

/** Service and core field names translated to the GraphQL argument (or input field) names. */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  expiresinminutes: 'expiresInMinutes',
  scopes: 'scopes',
  userid: 'userId',
  appid: 'appId',
  token: 'aadToken',
  aadtoken: 'aadToken',
  entratoken: 'entraToken',
  rawid: 'rawId',
  id: 'userId',
  customid: 'customId',
  tenantid: 'tenantId',
  objectid: 'objectId',
  principaltype: 'principalType',
  clientids: 'clientIds',
  kind: 'kind',
};

/** What {@link toGatewayError} should know about the call that failed. */
export interface ConversionOptions {
  /**
   * The argument that holds a token the caller passed through (the Teams exchange's `aadToken`, the Entra exchange's
   * `entraToken`): a token the service refuses is that argument's fault.
   * @default 'aadToken'
   */
  tokenField?: string;
  /**
   * The call was authenticated by that token itself (the end-user Entra exchanges): the service's 403 then refuses that
   * user (`FORBIDDEN`), not the gateway's own credentials.
   */
  tokenIsCredential?: boolean;
  /** Argument names of this field that differ from the usual ones, e.g. `{ userId: 'id' }` for `user(id)`. */
  fieldNames?: Readonly<Record<string, string>>;
}

function fieldName(target: string | undefined, options: ConversionOptions): string | undefined {
  if (target === undefined || target === '') return undefined;
  let name = FIELD_NAMES[target.toLowerCase()] ?? target;
  if (options.tokenField !== undefined && (name === 'aadToken' || name === 'entraToken'))
    name = options.tokenField;
  return options.fieldNames?.[name] ?? name;
}

/**
 * THE one place where errors of the back end (`@acs-identity/core`'s codes) become gateway codes.
 * Anything unrecognised becomes `INTERNAL_SERVER_ERROR`, whose message is masked before it reaches a client.
 */
export function toGatewayError(e: unknown, options: ConversionOptions = {}): GatewayError {
  if (isGatewayError(e)) return e;
  if (e instanceof GraphQLError && e.originalError !== undefined && e.originalError !== null) {
    return toGatewayError(e.originalError, options);
  }
  if (!isAcsIdentityError(e)) return new GatewayError('INTERNAL_SERVER_ERROR', MASKED_MESSAGE, { cause: e });
  const field = fieldName(e.target, options);
  const tokenField = options.tokenField ?? 'aadToken';
  const withField = field === undefined ? { cause: e } : { cause: e, field };
  switch (e.code) {
    case 'INVALID_INPUT':
      return new GatewayError('BAD_USER_INPUT', e.message, withField);
    case 'IDENTITY_NOT_OWNED':
      return new GatewayError('NOT_FOUND', e.message, {
        cause: e,
        field: field ?? fieldName('userId', options) ?? 'userId',
      });
    case 'NOT_FOUND':
      return new GatewayError('NOT_FOUND', e.message, withField);
    case 'THROTTLED':
      return new GatewayError('THROTTLED', 'The identity service is throttling requests; try again later.', {
        cause: e,
        retryAfterMs: e.retryAfterMs ?? 1000,
      });
    case 'UNAUTHENTICATED':
      // The service refused a token the caller passed through (the exchanges): the caller's input is at fault.
      if (e.serviceCode === 'InvalidAccessToken') {
        return new GatewayError('BAD_USER_INPUT', e.message, { cause: e, field: tokenField });
      }
      return new GatewayError(
        'UPSTREAM_UNAVAILABLE',
        "The identity service refused the gateway's own credentials; the operator must fix the back-end configuration.",
        { cause: e },
      );
    case 'FORBIDDEN':
      // An end user's own Entra token authenticated the call: the service refuses that user, in its own words.
      if (options.tokenIsCredential === true) {
        return new GatewayError('FORBIDDEN', e.message, { cause: e, field: tokenField });
      }
      return new GatewayError(
        'UPSTREAM_UNAVAILABLE',
        'The identity service is unavailable; try again later.',
        {
          cause: e,
        },
      );
    case 'NOT_CONFIGURED':
    case 'SERVICE_UNAVAILABLE':
      return new GatewayError(
        'UPSTREAM_UNAVAILABLE',
        'The identity service is unavailable; try again later.',
        {
          cause: e,
        },
      );
    case 'INVALID_OPTIONS':
      return new GatewayError('INVALID_OPTIONS', e.message, withField);
    case 'PORT_IN_USE':
      return new GatewayError('PORT_IN_USE', e.message, withField);
    case 'UNEXPECTED':
      return new GatewayError('INTERNAL_SERVER_ERROR', MASKED_MESSAGE, { cause: e });
    default: {
      const unknownCode: never = e.code;
      return new GatewayError('INTERNAL_SERVER_ERROR', `Unexpected error (${String(unknownCode)}).`, {
        cause: e,
      });
    }
  }
}

/** Message clients see instead of the real one for masked errors. */
export const MASKED_MESSAGE = 'Unexpected error.';

/** The message a client may see for `error`: its own, or {@link MASKED_MESSAGE} for masked codes. */
export function publicMessage(error: GatewayError): string {
  return ruleOf(error.code).masked ? MASKED_MESSAGE : error.message;
}

/** `Retry-After` in whole seconds (at least 1) for a `THROTTLED` error. */
function retryAfterSeconds(error: GatewayError): number {
  return Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000));
}

/** HTTP headers an answer failing with `error` carries. */
export function errorHeaders(error: GatewayError): Record<string, string> {
  if (error.code === 'UNAUTHENTICATED') return { 'www-authenticate': 'Bearer' };
  if (error.code === 'THROTTLED') return { 'retry-after': String(retryAfterSeconds(error)) };
  return {};
}

/**
 * The GraphQL error a client receives for `e`: `extensions.code` always, `extensions.field` when an argument is at
 * fault, `extensions.retryAfter` (seconds) for `THROTTLED`; status, headers and masking from {@link GATEWAY_ERRORS}.
 */
export function toGraphQLError(e: unknown): GraphQLError {
  const error = toGatewayError(e);
  const rule = ruleOf(error.code);
  const extensions: Record<string, unknown> = { code: error.code };
  if (error.field !== undefined) extensions.field = error.field;
  if (error.code === 'THROTTLED') extensions.retryAfter = retryAfterSeconds(error);
  if (rule.refusesRequest) extensions.http = { status: rule.status, headers: errorHeaders(error) };
  // No originalError: yoga would mask it, and the cause stays in the gateway's logs only.
  return new GraphQLError(publicMessage(error), { extensions });
}

/** The JSON answer of a plain route (e.g. `/dev/sign-in`) failing with `e`: status, headers and body. */
export function errorResponse(e: unknown): Response {
  const error = toGatewayError(e);
  const body = {
    error: {
      code: error.code,
      message: publicMessage(error),
      ...(error.field === undefined ? {} : { field: error.field }),
    },
  };
  return jsonResponse(body, ruleOf(error.code).status, errorHeaders(error));
}

/** A JSON answer. */
export function jsonResponse(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}
