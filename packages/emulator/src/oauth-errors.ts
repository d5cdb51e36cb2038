/**
 * Every error of the local Entra stand-in's OAuth 2.0 routes (the token endpoint), written once, in Entra's shape:
 * `{"error":"invalid_client","error_description":"AADSTS7000215: ...","error_codes":[7000215],"timestamp",
 * "trace_id","correlation_id"}`. The HTTP status of each `error` is decided in {@link OAUTH_ERROR_STATUS} and nowhere
 * else; the AADSTS number of a description is its `error_codes`. Rejections of the pipeline itself on these routes
 * (413, 503, ...) keep their status and are written in the same shape.
 */
import type { Reply } from './context.js';
import { isGuid } from './entra.js';
import { type RejectedRequest, rejectedRequest, type ServiceErrorReply } from './errors.js';
import { ERROR_CONTENT_TYPE } from './reply.js';

/** The HTTP status of every OAuth `error` the emulator answers (Entra's: `invalid_client` 401, the others 400). */
export const OAUTH_ERROR_STATUS = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_response_type: 400,
  invalid_scope: 400,
  invalid_resource: 400,
  server_error: 500,
  temporarily_unavailable: 503,
} as const satisfies Record<string, number>;

export type OAuthErrorCode = keyof typeof OAUTH_ERROR_STATUS;

function reject(error: OAuthErrorCode, description: string): RejectedRequest {
  return rejectedRequest({ status: OAUTH_ERROR_STATUS[error], code: error, message: description });
}

/** A value a client sent, shown in a description, cut to 200 characters. */
function clip(value: string): string {
  return value.length > 200 ? value.slice(0, 200) : value;
}

const GRANTS = 'client_credentials (ClientSecretCredential) and password (UsernamePasswordCredential)';

/** The errors of the token endpoint and the authorization endpoint, by name. */
export const oauthErrors = {
  parameterMissing: (name: string) =>
    reject(
      'invalid_request',
      `AADSTS900144: The request body must contain the following parameter: '${name}'.`,
    ),
  parameterDuplicated: (name: string) =>
    reject(
      'invalid_request',
      `AADSTS9000411: The request is not properly formatted. The parameter '${clip(name)}' is duplicated.`,
    ),
  unsupportedGrantType: (grant: string) =>
    reject(
      'unsupported_grant_type',
      `AADSTS70003: The app requested an unsupported grant type '${clip(grant)}'. The emulator's token endpoint supports ${GRANTS}.`,
    ),
  clientSecretMissing: () =>
    reject(
      'invalid_client',
      "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  clientSecretInvalid: (appId: string) =>
    reject(
      'invalid_client',
      `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${appId}'.`,
    ),
  applicationNotFound: (appId: string, tenantId: string) =>
    reject(
      'unauthorized_client',
      `AADSTS700016: Application with identifier '${clip(appId)}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant. Register it with the emulator: registerEntraApp({ appId, tenantId }).`,
    ),
  scopeNotDefault: (scope: string) =>
    reject(
      'invalid_scope',
      `AADSTS1002012: The provided value for scope ${clip(scope)} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  scopeInvalid: (scope: string) =>
    reject(
      'invalid_scope',
      `AADSTS70011: The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${clip(scope)} is not valid.`,
    ),
  scopeSeveralResources: (scope: string) =>
    reject(
      'invalid_scope',
      `AADSTS28000: Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${clip(scope)} is not valid.`,
    ),
  resourceNotFound: (resource: string, tenantId: string, known: readonly string[]) =>
    reject(
      'invalid_resource',
      `AADSTS500011: The resource principal named ${clip(resource)} was not found in the tenant named ${tenantId}. The emulator's password grant gives user tokens for ${known.join(' and ')}.`,
    ),
  userNotFound: (tenantId: string) =>
    reject(
      'invalid_grant',
      `AADSTS50034: The user account {EmailHidden} does not exist in the ${tenantId} directory. To sign into this application, the account must be added to the directory. Register it with the emulator: registerEntraUser({ username, password, tenantId }).`,
    ),
  passwordInvalid: () =>
    reject('invalid_grant', 'AADSTS50126: Error validating credentials due to invalid username or password.'),
  interactiveSignInNotEmulated: () =>
    reject(
      'unsupported_response_type',
      `The emulator's local Entra ID has no interactive sign-in. Get tokens from its token endpoint: ${GRANTS}.`,
    ),
} as const;

/** The OAuth `error` of a rejection: its own code, or for the pipeline's rejections one by status. */
function oauthCodeOf(reply: ServiceErrorReply): OAuthErrorCode {
  if (Object.hasOwn(OAUTH_ERROR_STATUS, reply.code)) return reply.code as OAuthErrorCode;
  if (reply.status === 503) return 'temporarily_unavailable';
  return reply.status >= 500 ? 'server_error' : 'invalid_request';
}

/**
 * Entra's error answer on an OAuth route: the description followed by the trace lines, the AADSTS number in
 * `error_codes`, the client's `client-request-id` (MSAL sends it in the query) as the correlation id when it is a GUID.
 */
export function oauthErrorReply(
  reply: ServiceErrorReply,
  requestId: string,
  search: string,
  now: number,
): Reply {
  const clientRequestId = new URLSearchParams(search).get('client-request-id') ?? '';
  const correlationId = isGuid(clientRequestId) ? clientRequestId.toLowerCase() : requestId;
  const timestamp = `${new Date(now).toISOString().slice(0, 19).replace('T', ' ')}Z`;
  const number = /^AADSTS(\d+):/.exec(reply.message)?.[1];
  const body = {
    error: oauthCodeOf(reply),
    error_description: `${reply.message}\r\nTrace ID: ${requestId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    ...(number === undefined ? {} : { error_codes: [Number(number)] }),
    timestamp,
    trace_id: requestId,
    correlation_id: correlationId,
  };
  return {
    status: reply.status,
    body,
    headers: { ...(reply.headers ?? {}), 'cache-control': 'no-store', 'content-type': ERROR_CONTENT_TYPE },
  };
}
