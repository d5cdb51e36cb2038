/**
 * The one vocabulary of acs-identity: every constant more than one package needs, defined once. A leaf module with no
 * imports, so the browser package can take three constants of it for a few bytes, and every other module (core's
 * parsers, the emulator, the gateway, the CLI, the refresher) imports these instead of restating them.
 *
 * Isomorphic: no Node built-ins, no imports.
 */

/** Every token scope, in the service's documentation order (reference section 2). */
export const TOKEN_SCOPES = ['chat', 'voip', 'chat.join', 'chat.join.limited', 'voip.join'] as const;

/** One of {@link TOKEN_SCOPES}. */
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/**
 * The service's name of each scope: the SDK enum member and the GraphQL enum value (`chat.join` → `CHAT_JOIN`).
 */
export const SCOPE_SERVICE_NAMES = {
  chat: 'CHAT',
  voip: 'VOIP',
  'chat.join': 'CHAT_JOIN',
  'chat.join.limited': 'CHAT_JOIN_LIMITED',
  'voip.join': 'VOIP_JOIN',
} as const satisfies Record<TokenScope, string>;

/** The api-version that introduced each scope. */
export const SCOPE_SINCE = {
  chat: '2021-03-07',
  voip: '2021-03-07',
  'chat.join': '2023-10-01',
  'chat.join.limited': '2023-10-01',
  'voip.join': '2023-10-01',
} as const satisfies Record<TokenScope, string>;

/** Token lifetimes in minutes: 60 to 1440, 1440 when not given (reference section 2). */
export const TOKEN_LIFETIME = { minMinutes: 60, maxMinutes: 1440, defaultMinutes: 1440 } as const;

/**
 * The data-plane api-versions of the ACS Identity service this project speaks, oldest first (previews by their date).
 * What each one has is core's feature table (`API_VERSION_FEATURES`).
 */
export const API_VERSIONS = [
  '2021-03-07',
  '2022-06-01',
  '2022-10-01',
  '2023-10-01',
  '2025-03-02-preview',
  '2025-04-01-preview',
  '2025-06-30',
  '2026-07-22',
  '2026-09-23',
] as const;

/** One of {@link API_VERSIONS}. */
export type ApiVersion = (typeof API_VERSIONS)[number];

/** The api-version the JS SDK 1.3.x sends by default, and the one core uses unless told otherwise. */
export const DEFAULT_API_VERSION = '2023-10-01' satisfies ApiVersion;

/** The longest `customId` the service takes on create (and the shortest: 1). */
export const CUSTOM_ID_MAX_LENGTH = 256;

/** Who a Teams Phone extensibility (Teams Extension) assignment is for. `teamsResourceAccount` is the docs' name. */
export const TEAMS_EXTENSION_PRINCIPAL_TYPES = ['resourceAccount', 'user', 'teamsResourceAccount'] as const;

/** One of {@link TEAMS_EXTENSION_PRINCIPAL_TYPES}. */
export type TeamsExtensionPrincipalType = (typeof TEAMS_EXTENSION_PRINCIPAL_TYPES)[number];

/** Who an Entra ID user assignment is for: one user, the members of a group, or every user of a tenant. */
export const ENTRA_PRINCIPAL_TYPES = ['user', 'group', 'tenant'] as const;

/** One of {@link ENTRA_PRINCIPAL_TYPES}. */
export type EntraPrincipalType = (typeof ENTRA_PRINCIPAL_TYPES)[number];

/**
 * The delegated permissions of the "Azure Communication Services Clients" application an Entra user token carries
 * (`scp`), and the ACS scope each one becomes on exchange (one to one).
 */
export const ENTRA_PERMISSION_SCOPES = {
  VoIP: 'voip',
  'VoIP.Join': 'voip.join',
  Chat: 'chat',
  'Chat.Join': 'chat.join',
  'Chat.Join.Limited': 'chat.join.limited',
} as const satisfies Record<string, TokenScope>;

/** One of the keys of {@link ENTRA_PERMISSION_SCOPES}. */
export type EntraPermission = keyof typeof ENTRA_PERMISSION_SCOPES;

/**
 * Every code an `AcsIdentityError` can carry. Closed: callers switch over it exhaustively. The CLI's exit codes and the
 * gateway's `extensions.code` are derived from these in one place each.
 */
export const ERROR_CODES = [
  /** An argument of an operation is wrong (a scope, a lifetime, an id). */
  'INVALID_INPUT',
  /** An option or environment variable given to a program or factory is wrong. */
  'INVALID_OPTIONS',
  /** No back end or credential is configured, or it cannot be used as configured. */
  'NOT_CONFIGURED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'IDENTITY_NOT_OWNED',
  /** Too many requests: the service, the emulator or the gateway asks the caller to wait. */
  'THROTTLED',
  'SERVICE_UNAVAILABLE',
  /** A server could not listen because its port is taken. */
  'PORT_IN_USE',
  'UNEXPECTED',
] as const;

/** One of {@link ERROR_CODES}. */
export type AcsIdentityErrorCode = (typeof ERROR_CODES)[number];

/** The folder, relative to the current one, where the emulator and the gateway keep their state by default. */
export const DEFAULT_DATA_DIR = '.acs-identity';

/** The file in the data folder through which a running emulator is found (endpoint, connection string, CA path). */
export const EMULATOR_INFO_FILE = 'emulator.json';

/** Environment variables read by more than one package. Package-specific ones live in that package's option table. */
export const ENV = {
  /** A connection string `endpoint=...;accesskey=...` (wins over the endpoint). */
  connectionString: 'AZURE_COMMUNICATION_CONNECTION_STRING',
  /** A resource endpoint, authenticated with Entra ID (`DefaultAzureCredential`). */
  endpoint: 'AZURE_COMMUNICATION_ENDPOINT',
  /** A PEM CA certificate file to trust for the back end (a local emulator's CA). */
  caCertFile: 'ACS_IDENTITY_CA_CERT_FILE',
  /** The api-version to call the back end with. */
  apiVersion: 'ACS_IDENTITY_API_VERSION',
  /** The data folder of the emulator and the gateway. */
  dataDir: 'ACS_IDENTITY_DATA_DIR',
} as const;
