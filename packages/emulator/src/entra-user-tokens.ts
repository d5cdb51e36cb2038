/**
 * The end users' Entra tokens that the 2025 api-versions exchange for ACS tokens (newest-API reference sections 3.2 and
 * 3.3): what a Teams Phone extensibility (Teams Extension) user token and an Entra ID user token must be, and the ACS
 * scopes an Entra user token's permissions give.
 */
import { ENTRA_PERMISSION_SCOPES, type EntraPermission, type TokenScope } from '@acs-identity/core';

/** Audience of Teams Extension user tokens (scope `https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls`). */
export const TEAMS_EXTENSION_AUDIENCE = 'https://auth.msft.communication.azure.com';
/** The public cloud's audience and GCCH's (`.azure.us`), with any trailing slashes. */
export const TEAMS_EXTENSION_AUDIENCE_PATTERN = /^https:\/\/auth\.msft\.communication\.azure\.(com|us)\/*$/i;
/** The delegated permission a Teams Extension user token carries. */
export const TEAMS_EXTENSION_SCOPE = 'TeamsExtension.ManageCalls';

/** The "Azure Communication Services Clients" application whose permissions an Entra user token carries. */
export const ENTRA_CLIENTS_APP_ID = '2a04943b-b6a7-4f65-8786-2bb6131b59f6';
/** Audience of Entra user tokens (scope `https://communication.azure.com/clients/VoIP` or `.../.default`). */
export const ENTRA_CLIENTS_AUDIENCE = 'https://communication.azure.com/clients';
/** The application's URI (any trailing slashes) or its application id: v1 and v2 tokens name it either way. */
export const ENTRA_CLIENTS_AUDIENCE_PATTERN =
  /^(https:\/\/communication\.azure\.com\/clients\/*|2a04943b-b6a7-4f65-8786-2bb6131b59f6)$/i;
/** The permissions of that application, of which an Entra user token needs at least one. */
export const ENTRA_PERMISSIONS = Object.keys(ENTRA_PERMISSION_SCOPES) as EntraPermission[];

/**
 * The ACS scopes of an Entra user token: each of its permissions (`scp`, space-separated, any case) mapped one to one
 * (`VoIP` → `voip`, `Chat.Join.Limited` → `chat.join.limited`), in the token's order, without duplicates. Other
 * permissions are ignored.
 */
export function acsScopesOf(scp: unknown): TokenScope[] {
  if (typeof scp !== 'string') return [];
  const out: TokenScope[] = [];
  for (const permission of scp.split(' ')) {
    const known = ENTRA_PERMISSIONS.find((p) => p.toLowerCase() === permission.toLowerCase());
    const scope = known === undefined ? undefined : ENTRA_PERMISSION_SCOPES[known];
    if (scope !== undefined && !out.includes(scope)) out.push(scope);
  }
  return out;
}
