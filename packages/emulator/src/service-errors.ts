/**
 * Every error the emulator answers on the wire, written once: `throw serviceErrors.identityNotOwned()`. The HTTP status
 * of each `error.code` is decided in {@link SERVICE_ERROR_STATUS} and nowhere else, so a status can never drift from
 * its code. A factory fixes the message (with its variable parts) and the `target`; the body is
 * `{"error":{"code","message","target"?}}` and the response carries `x-ms-error-code`.
 */
import { type RejectedRequest, rejectedRequest, type ServiceErrorReply } from './errors.js';

/** The HTTP status of every wire error code (ACS Identity, the emulator's own routes, managed identity, ARM). */
export const SERVICE_ERROR_STATUS = {
  // ACS Identity data plane (reference section 3) and the shapes every route shares.
  ValidationError: 400,
  ApiVersionUnspecified: 400,
  UnsupportedApiVersion: 400,
  BadRequest: 400,
  Denied: 401,
  IdentityNotOwned: 401,
  InvalidAccessToken: 401,
  Forbidden: 403,
  NotFound: 404,
  IdentityNotFound: 404,
  AssignmentNotFound: 404,
  MethodNotAllowed: 405,
  RequestTimeout: 408,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  TooManyRequests: 429,
  RequestHeaderFieldsTooLarge: 431,
  InternalServerError: 500,
  ServiceUnavailable: 503,
  // The App Service managed-identity endpoint.
  Unauthorized: 401,
  // Azure Resource Manager.
  MissingApiVersionParameter: 400,
  LocationRequired: 400,
  InvalidIdentityType: 400,
  InvalidIdentity: 400,
  InvalidUserAssignedIdentity: 400,
  InvalidTags: 400,
  AuthenticationFailed: 401,
  InvalidAuthenticationToken: 401,
  ResourceNotFound: 404,
  Conflict: 409,
} as const satisfies Record<string, number>;

export type ServiceErrorCode = keyof typeof SERVICE_ERROR_STATUS;

/** Builds a rejected request; the status comes from the code. */
function reject(
  code: ServiceErrorCode,
  message: string,
  target?: string,
  headers?: Record<string, string>,
): RejectedRequest {
  const reply: ServiceErrorReply = {
    status: SERVICE_ERROR_STATUS[code],
    code,
    message,
    ...(target === undefined ? {} : { target }),
    ...(headers === undefined ? {} : { headers }),
  };
  return rejectedRequest(reply);
}

/**
 * A rejected request whose answer leaves out `api-supported-versions`: the service's model-validation 400s ("The X
 * field is required.") and the token exchanges' 401s.
 */
function rejectWithoutVersions(code: ServiceErrorCode, message: string, target?: string): RejectedRequest {
  return rejectedRequest({ ...reject(code, message, target).reply, withoutApiVersions: true });
}

/** A value shown in a message, cut to `max` characters. */
function clip(value: string, max: number): string {
  return value.length > max ? value.slice(0, max) : value;
}

function joinOr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

const SCOPES_REQUIRED = 'Invalid scopes - Scopes field is required.';
const DENIED = 'Denied by the resource provider.';

/** Errors of the request itself: routing, protocol, body, limits, failures. */
const protocolErrors = {
  routeNotFound: (method: string, path: string) =>
    reject('NotFound', `No ACS Identity route matches ${method} ${clip(path, 200)}.`),
  methodNotAllowed: (method: string, path: string, allowed: readonly string[]) =>
    reject(
      'MethodNotAllowed',
      `${method} is not supported on ${clip(path, 200)}; use ${joinOr(allowed)}.`,
      undefined,
      {
        allow: allowed.join(', '),
      },
    ),
  pathParameterEncoding: (name: string) =>
    reject(
      'ValidationError',
      name === 'id'
        ? 'The identity id in the path is not valid percent-encoding.'
        : `The ${name} in the path is not valid percent-encoding.`,
      name,
    ),
  bodyTooLarge: (limit: number) =>
    reject('RequestEntityTooLarge', `The request body is larger than ${limit} bytes, the emulator's limit.`),
  bodyIncomplete: () =>
    reject('BadRequest', 'The client closed the connection before the body was complete.'),
  notJsonContentType: (type: string) =>
    reject(
      'UnsupportedMediaType',
      `The request body must be JSON sent with Content-Type: application/json; got ${type ? clip(type, 100) : 'no Content-Type'}.`,
    ),
  invalidJson: (reason: string) => reject('ValidationError', `The request body is not valid JSON: ${reason}`),
  bodyNotObject: () => reject('ValidationError', 'The request body must be a JSON object.'),
  headersTooLarge: () =>
    reject(
      'RequestHeaderFieldsTooLarge',
      'The request headers are larger than the emulator accepts (16 KiB).',
    ),
  notHttp: () => reject('BadRequest', 'The request is not valid HTTP.'),
  requestTimeout: () =>
    reject(
      'RequestTimeout',
      'The request did not arrive in time: its headers or its body came too slowly, so the connection is closed.',
    ),
  tooManyRequests: (operation: string, limit: number, windowMs: number, retryAfterMs: number) => {
    const seconds = Math.ceil(retryAfterMs / 1000);
    return reject(
      'TooManyRequests',
      `Rate limit exceeded: this resource allows ${limit} ${operation} requests per ${windowMs / 1000} seconds. Retry after ${seconds} seconds.`,
      undefined,
      {
        'retry-after': String(seconds),
        'retry-after-ms': String(retryAfterMs),
        'x-ms-retry-after-ms': String(retryAfterMs),
      },
    );
  },
  storeUnavailable: () =>
    reject('ServiceUnavailable', 'The emulator could not reach its store; retry shortly.'),
  unexpected: () => reject('InternalServerError', 'The emulator failed unexpectedly; see its log.'),
} as const;

/** The ACS Identity data plane (reference section 3; the unconfirmed ones are decided in the README). */
const identityErrors = {
  apiVersionUnspecified: (supported: readonly string[]) =>
    reject(
      'ApiVersionUnspecified',
      `An API version is required, but was not specified. Add ?api-version= with one of ${supported.join(', ')}.`,
    ),
  unsupportedApiVersion: (uri: string, requested: string, supported: readonly string[]) =>
    reject(
      'UnsupportedApiVersion',
      `The HTTP resource that matches the request URI '${clip(uri, 260)}' does not support the API version '${clip(requested, 40)}'. Supported versions: ${supported.join(', ')}.`,
    ),
  denied: () => reject('Denied', DENIED),
  deniedBearerNeedsHttps: () =>
    reject(
      'Denied',
      `${DENIED} Bearer (Entra ID) authentication needs HTTPS; this emulator serves plain HTTP.`,
    ),
  deniedStaleDate: (maxSkewMs: number) =>
    reject(
      'Denied',
      `${DENIED} The x-ms-date header must be within ${Math.round(maxSkewMs / 60_000)} minutes of the service clock.`,
    ),
  principalWithoutRole: (principal: string) =>
    reject(
      'Forbidden',
      `The principal ${principal} has no role on this Communication Services resource. Grant it access: acs-identity emulator role assign --principal ${principal}`,
    ),
  scopesRequired: () => reject('ValidationError', SCOPES_REQUIRED, 'scopes'),
  /** A required field that is absent, `null` or `""` (ASP.NET's model validation): `Scopes`, `AppId`, `TenantId`... */
  fieldRequired: (field: string) =>
    rejectWithoutVersions('ValidationError', `${field}: The ${field} field is required.`, field),
  customIdLength: (min: number, max: number) =>
    rejectWithoutVersions(
      'ValidationError',
      `CustomId: The field CustomId must be a string with a minimum length of ${min} and a maximum length of ${max}.`,
      'CustomId',
    ),
  customIdNotString: () =>
    rejectWithoutVersions(
      'ValidationError',
      'CustomId: The JSON value could not be converted to System.String.',
      'CustomId',
    ),
  customIdNotInVersion: (version: string, since: string) =>
    reject(
      'ValidationError',
      `customId is not supported in api-version ${version}; use api-version ${since}.`,
      'customId',
    ),
  scopesNotArray: (field: string) =>
    reject('ValidationError', `Invalid scopes - ${field} must be an array of strings.`, 'scopes'),
  unknownScope: (shown: string, version: string, allowed: readonly string[]) =>
    reject(
      'ValidationError',
      `Invalid scopes - ${shown} is not a valid scope. Valid scopes for api-version ${version}: ${allowed.join(', ')}.`,
      'scopes',
    ),
  scopeNotInVersion: (scope: string, version: string, since: string, allowed: readonly string[]) =>
    reject(
      'ValidationError',
      `Invalid scopes - scope '${scope}' is not available in api-version ${version}; it requires api-version ${since} or later. Valid scopes for ${version}: ${allowed.join(', ')}.`,
      'scopes',
    ),
  lifetimeNotInVersion: (version: string, since: string) =>
    reject(
      'ValidationError',
      `expiresInMinutes is not supported in api-version ${version}; use api-version ${since} or later.`,
      'expiresInMinutes',
    ),
  /** `message` is core's lifetime check (`ExpiresInMinutes value 59 is invalid. ...`). */
  invalidLifetime: (message: string, target: string) => reject('ValidationError', message, target),
  notCommunicationUser: (shown: string) =>
    reject(
      'ValidationError',
      `Identity '${shown}' is not a valid communication user id; expected 8:acs:<resourceId>_<guid>.`,
      'id',
    ),
  notIdOfThisResource: (shown: string, resourceId: string) =>
    reject(
      'ValidationError',
      `Identity '${shown}' is not a valid id of this resource; its ids are 8:acs:${resourceId}_<guid>.`,
      'id',
    ),
  identityNotOwned: () => reject('IdentityNotOwned', "Provided identity doesn't belong to the resource."),
  identityNotFound: (shown: string) =>
    reject('IdentityNotFound', `Identity '${shown}' does not exist in this resource.`, 'id'),
  identityDeleted: (shown: string) =>
    reject(
      'IdentityNotFound',
      `Identity '${shown}' was deleted; its tokens are revoked. Create a new identity.`,
      'id',
    ),
  invalidAccessToken: () =>
    rejectWithoutVersions('InvalidAccessToken', 'Provided access token is not valid.'),
  invalidAppIdFormat: () => reject('ValidationError', 'Provided AppId has invalid format.', 'appId'),
  invalidUserIdFormat: () => reject('ValidationError', 'Provided UserId has invalid format.', 'userId'),
  unexpectedApp: () => reject('ValidationError', 'AAD application is not the expected one.', 'appId'),
  unexpectedUser: () => reject('ValidationError', 'Provided AAD token issued for unexpected user.', 'userId'),
} as const;

/** Teams Phone extensibility (Teams Extension) and Entra ID users: assignments and token exchanges. */
const accessErrors = {
  notGuid: (field: string, shown: string) =>
    reject('ValidationError', `The ${field} '${clip(shown, 80)}' is not a valid GUID.`, field),
  invalidPrincipalType: (shown: string, allowed: readonly string[]) =>
    reject(
      'ValidationError',
      `The principalType '${clip(shown, 60)}' is not valid; use ${joinOr(allowed)}.`,
      'principalType',
    ),
  clientIdsNotArray: () =>
    reject('ValidationError', 'clientIds must be an array of application (client) id GUIDs.', 'clientIds'),
  assignmentNotFound: (what: string) =>
    reject('AssignmentNotFound', `There is no assignment for ${what} on this resource.`),
  mergePatchContentType: (type: string) =>
    reject(
      'UnsupportedMediaType',
      `Send the assignments with Content-Type: application/merge-patch+json; got ${type ? clip(type, 100) : 'no Content-Type'}.`,
    ),
  patchEntryNotObject: (objectId: string) =>
    reject(
      'ValidationError',
      `The assignment of ${clip(objectId, 80)} must be an object (tenantId, principalType, clientIds) or null to remove it.`,
      objectId,
    ),
  patchEntryIncomplete: (objectId: string) =>
    reject(
      'ValidationError',
      `${clip(objectId, 80)} has no assignment yet: give its tenantId, principalType and clientIds.`,
      objectId,
    ),
  teamsExtensionNotAssigned: (tenantId: string, objectId: string) =>
    reject(
      'Forbidden',
      `The user ${objectId} of tenant ${tenantId} has no Teams Phone extensibility assignment on this resource. Assign it: PUT /access/teamsExtension/tenants/${tenantId}/assignments/${objectId} with principalType user and the application in clientIds.`,
    ),
  teamsExtensionAppNotAllowed: (appId: string, objectId: string) =>
    reject(
      'Forbidden',
      `The application ${clip(appId, 60)} is not among the clientIds of the Teams Phone extensibility assignment of user ${objectId}.`,
    ),
  entraUserNotAssigned: (tenantId: string, objectId: string) =>
    reject(
      'Forbidden',
      `The user ${objectId} of tenant ${tenantId} has no Entra ID assignment on this resource (as a user, through a group or through its tenant). Assign it: PUT /access/entra/assignments/{objectId}.`,
    ),
  entraAppNotAllowed: (appId: string, objectId: string) =>
    reject(
      'Forbidden',
      `The application ${clip(appId, 60)} is not among the clientIds of the Entra ID assignments that apply to user ${objectId}.`,
    ),
} as const;

/** The emulator's own routes and the App Service managed-identity endpoint. */
const emulatorErrors = {
  verifyTokenWithoutToken: () =>
    reject('ValidationError', 'Send {"token": "<access token>"} to verify a token.', 'token'),
  identityHeaderWrong: () =>
    reject(
      'Unauthorized',
      'The X-IDENTITY-HEADER header is missing or wrong; set IDENTITY_HEADER to the identityHeader of emulator.json.',
    ),
  managedIdentityApiVersion: (expected: string, got: string | null) =>
    reject(
      'BadRequest',
      `The managed-identity endpoint speaks api-version ${expected}; got ${got === null ? 'none' : clip(got, 40)}.`,
    ),
  managedIdentityResourceRequired: () =>
    reject('BadRequest', 'The resource query parameter is required, e.g. https://communication.azure.com.'),
  managedIdentityByResourceId: () =>
    reject(
      'BadRequest',
      'Name a user-assigned identity by client_id (or object_id); mi_res_id is not emulated.',
    ),
  managedIdentityNotGuid: (parameter: 'client_id' | 'object_id') =>
    reject('BadRequest', `${parameter} must be a GUID.`),
} as const;

/** Azure Resource Manager (the resource's own managed identities). */
const armErrors = {
  armAuthorizationMissing: () =>
    reject('AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing."),
  armTokenInvalid: (reason: string) =>
    reject(
      'InvalidAuthenticationToken',
      `The access token is invalid (${reason}); ask the local Entra issuer for a token for https://management.azure.com.`,
    ),
  armApiVersionMissing: () =>
    reject(
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    ),
  armResourceNotFound: (group: string, name: string) =>
    reject(
      'ResourceNotFound',
      `The Resource 'Microsoft.Communication/communicationServices/${clip(name, 100)}' under resource group '${clip(group, 100)}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    ),
  armResourceExists: (existingId: string) =>
    reject(
      'Conflict',
      `This emulator serves one Communication Services resource, ${existingId}. Use its name, or start another emulator with its own data folder for another resource.`,
    ),
  armLocationRequired: () =>
    reject('LocationRequired', 'The location property is required for this definition.', 'location'),
  armIdentityType: (types: readonly string[], shown: string) =>
    reject(
      'InvalidIdentityType',
      `identity.type must be one of ${types.join(', ')}; got ${shown}.`,
      'identity.type',
    ),
  armIdentityNotObject: () =>
    reject('InvalidIdentity', 'identity must be an object with a type.', 'identity'),
  armUserAssignedNotMap: () =>
    reject(
      'InvalidIdentity',
      'userAssignedIdentities must map ARM ids of user-assigned identities to {} (or null to remove one).',
      'identity.userAssignedIdentities',
    ),
  armUserAssignedId: (id: string) =>
    reject(
      'InvalidUserAssignedIdentity',
      `'${clip(id, 200)}' is not a user-assigned identity id: /subscriptions/{id}/resourceGroups/{group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}.`,
      'identity.userAssignedIdentities',
    ),
  armUserAssignedNeedsType: (type: string) =>
    reject(
      'InvalidIdentity',
      `userAssignedIdentities need identity.type UserAssigned or SystemAssigned,UserAssigned; got ${type}.`,
      'identity.type',
    ),
  armUserAssignedMissing: (type: string) =>
    reject(
      'InvalidIdentity',
      `identity.type ${type} needs at least one entry in userAssignedIdentities.`,
      'identity.userAssignedIdentities',
    ),
  armTags: () => reject('InvalidTags', 'tags must be an object of strings.', 'tags'),
} as const;

/** Every wire error of the emulator, by name. */
export const serviceErrors = {
  ...protocolErrors,
  ...identityErrors,
  ...accessErrors,
  ...emulatorErrors,
  ...armErrors,
} as const;

/** The JSON body of a wire error. */
export function errorBody(reply: ServiceErrorReply): { error: Record<string, string> } {
  const error: Record<string, string> = { code: reply.code, message: reply.message };
  if (reply.target !== undefined) error.target = reply.target;
  return { error };
}
