/**
 * The token exchanges of an end user's Entra ID token for an ACS token: a Teams user's (az's `get-for-teams-user`), a
 * Teams Phone extensibility user's and an Entra ID user's (today's API).
 */
import type { CommandSpec, OptionSpec } from '../spec.js';

/** The end user's token of the two newer exchanges, sent as the request's bearer. */
const entraTokenOption = {
  type: 'string',
  required: true,
  secret: true,
  placeholder: '<jwt>',
} as const satisfies Omit<OptionSpec, 'description'>;

/** What the two newer exchanges say about their output and connection. */
const EXCHANGE_OUTPUT =
  'Prints {"expires_on","token","user_id"} like token issue; the token expires with the Entra ID token. The Entra ID token is the request’s bearer: of the connection only the endpoint (and CA) is used, never its key or credential.';

export const TOKEN_TEAMS = {
  path: ['token', 'get-for-teams-user'],
  summary: "Exchange a Teams user's Entra ID token for an ACS token.",
  details:
    'Prints {"expires_on","token"} like az. Against the local emulator, `acs-identity emulator entra token --teams-user <oid> --app <appid>` mints the Entra ID token.',
  options: {
    'aad-token': {
      type: 'string',
      required: true,
      secret: true,
      description: 'Entra ID access token of the Teams user.',
      placeholder: '<jwt>',
    },
    client: {
      type: 'string',
      required: true,
      description: 'Entra application (client) id; must match the token’s appid.',
      placeholder: '<guid>',
    },
    'aad-user': {
      type: 'string',
      required: true,
      description: 'Object id of the Teams user; must match the token’s oid.',
      placeholder: '<guid>',
    },
  },
  groups: ['connection'],
  apiFeature: 'teamsExchange',
  examples: [
    ['acs-identity token get-for-teams-user --aad-token "$T" --client <app> --aad-user <oid>', 'Exchange'],
  ],
} as const satisfies CommandSpec;

export const TOKEN_TEAMS_EXTENSION = {
  path: ['token', 'get-for-teams-extension-user'],
  summary: "Exchange a Teams Phone extensibility (Teams Extension) user's Entra ID token for an ACS token.",
  details: `${EXCHANGE_OUTPUT} user_id is the Teams extension user 8:acs:<resource>_<tenant>_<user>. The user needs a Teams Extension assignment (principal type user) listing the application the token was issued to: \`acs-identity teams-extension assignment set\`. Against the local emulator, \`acs-identity emulator entra token --teams-extension-user <oid> --app <appid>\` mints the Entra ID token.`,
  options: {
    'entra-token': {
      ...entraTokenOption,
      description:
        'Entra ID access token of the user for https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls.',
    },
  },
  groups: ['connection'],
  apiFeature: 'teamsExtension',
  examples: [
    ['acs-identity token get-for-teams-extension-user --entra-token "$T"', 'Exchange'],
    [
      'acs-identity token get-for-teams-extension-user --entra-token "$T" --query token -o tsv',
      'Print only the ACS token',
    ],
  ],
} as const satisfies CommandSpec;

export const TOKEN_ENTRA_USER = {
  path: ['token', 'get-for-entra-user'],
  summary: "Exchange an Entra ID user's token for an ACS token (Communication Services clients).",
  details: `${EXCHANGE_OUTPUT} user_id is 8:acs:<resource>_wf_<tenant>_<user>; the token’s scopes are the Entra token’s permissions (VoIP → voip, VoIP.Join → voip.join, ...). The user needs an Entra assignment (of the user, a group of it or its tenant) listing the application the token was issued to: \`acs-identity entra assignment set\`. Against the local emulator, \`acs-identity emulator entra token --entra-user <oid> --app <appid>\` mints the Entra ID token.`,
  options: {
    'entra-token': {
      ...entraTokenOption,
      description:
        'Entra ID access token of the user for https://communication.azure.com/clients (e.g. the scope .../clients/VoIP or .../clients/.default).',
    },
  },
  groups: ['connection'],
  apiFeature: 'entraUsers',
  examples: [['acs-identity token get-for-entra-user --entra-token "$T"', 'Exchange']],
} as const satisfies CommandSpec;
