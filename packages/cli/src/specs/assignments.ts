/**
 * The assignments that let end users exchange their Entra ID tokens: Teams Phone extensibility (Teams Extension)
 * assignments per tenant and object, and Entra ID user assignments of users, groups and tenants. az's habits: a noun
 * group, the verbs show, list, set (create or replace), update and delete; deletes ask first.
 */
import { ENTRA_PRINCIPAL_TYPES, TEAMS_EXTENSION_PRINCIPAL_TYPES } from '@acs-identity/core/vocabulary';
import type { CommandSpec, OptionSpec } from '../spec.js';
import { guidListText, guidText, yesOption } from './shared.js';

const tenantOption = {
  type: 'string',
  required: true,
  parse: guidText,
  description: 'Tenant id of the principal, a GUID.',
  placeholder: '<guid>',
} as const satisfies OptionSpec;

const clientIdsOption = {
  type: 'array',
  parse: guidListText,
  description:
    'Application (client) ids through which the users may exchange their tokens, GUIDs (space or comma separated).',
  placeholder: '<guid...>',
} as const satisfies OptionSpec;

const DELETE_DETAILS =
  'Asks for confirmation when stdin is a terminal; otherwise --yes is required. Prints nothing. An assignment that does not exist is not an error: there is nothing left to delete (--verbose says so).';

/** The key of a Teams Extension assignment: the principal's tenant and object id. */
const teamsKey = {
  tenant: tenantOption,
  'object-id': {
    type: 'string',
    required: true,
    parse: guidText,
    description: 'Entra object id of the user or Teams resource account, a GUID.',
    placeholder: '<guid>',
  },
} as const satisfies Record<string, OptionSpec>;

const TEAMS_OUTPUT = 'Prints {"objectId","tenantId","principalType","clientIds"} as the service answers it.';

export const TEAMS_EXTENSION_ASSIGNMENT_SHOW = {
  path: ['teams-extension', 'assignment', 'show'],
  summary: 'Show the Teams Extension assignment of a user or resource account.',
  details: `${TEAMS_OUTPUT} Exit code 3 when there is none.`,
  options: teamsKey,
  groups: ['connection'],
  apiFeature: 'teamsExtension',
  examples: [['acs-identity teams-extension assignment show --tenant <tid> --object-id <oid>', 'Show one']],
} as const satisfies CommandSpec;

export const TEAMS_EXTENSION_ASSIGNMENT_SET = {
  path: ['teams-extension', 'assignment', 'set'],
  summary: 'Create or replace the Teams Extension assignment of a user or resource account.',
  details: `A user (principal type user) may exchange its Teams Extension token through the --client-ids applications (\`token get-for-teams-extension-user\`); a resource account (resourceAccount; teamsResourceAccount in Microsoft’s docs) is the server’s consent and lists none. ${TEAMS_OUTPUT} --verbose says whether it was created or replaced.`,
  options: {
    ...teamsKey,
    'principal-type': {
      type: 'string',
      choices: TEAMS_EXTENSION_PRINCIPAL_TYPES,
      default: 'user',
      description: 'Who the assignment is for.',
      placeholder: '<type>',
    },
    'client-ids': clientIdsOption,
  },
  groups: ['connection'],
  apiFeature: 'teamsExtension',
  examples: [
    [
      'acs-identity teams-extension assignment set --tenant <tid> --object-id <oid> --client-ids <appid>',
      'Let a user exchange its token through your application',
    ],
    [
      'acs-identity teams-extension assignment set --tenant <tid> --object-id <ra> --principal-type resourceAccount',
      'The resource account’s consent',
    ],
  ],
} as const satisfies CommandSpec;

export const TEAMS_EXTENSION_ASSIGNMENT_DELETE = {
  path: ['teams-extension', 'assignment', 'delete'],
  summary: 'Delete the Teams Extension assignment of a user or resource account.',
  details: DELETE_DETAILS,
  whenGone: 'The assignment does not exist; nothing was deleted.',
  options: { ...teamsKey, yes: yesOption },
  groups: ['connection'],
  apiFeature: 'teamsExtension',
  examples: [
    [
      'acs-identity teams-extension assignment delete --tenant <tid> --object-id <oid> --yes',
      'Delete without prompting',
    ],
  ],
} as const satisfies CommandSpec;

const entraObjectId = {
  type: 'string',
  required: true,
  parse: guidText,
  description: 'Object id of the user or group, or the tenant id for a tenant assignment (a GUID).',
  placeholder: '<guid>',
} as const satisfies OptionSpec;

const ENTRA_OUTPUT = '{"objectId","tenantId","principalType","clientIds"} as the service answers it';

export const ENTRA_ASSIGNMENT_LIST = {
  path: ['entra', 'assignment', 'list'],
  summary: 'List the Entra ID user assignments of the resource.',
  details: `Prints a list of ${ENTRA_OUTPUT}.`,
  options: {},
  groups: ['connection'],
  apiFeature: 'entraUsers',
  examples: [['acs-identity entra assignment list -o table', 'As a table']],
} as const satisfies CommandSpec;

export const ENTRA_ASSIGNMENT_SHOW = {
  path: ['entra', 'assignment', 'show'],
  summary: 'Show the Entra ID user assignment of a user, group or tenant.',
  details: `Prints ${ENTRA_OUTPUT}. Exit code 3 when there is none.`,
  options: { 'object-id': entraObjectId },
  groups: ['connection'],
  apiFeature: 'entraUsers',
  examples: [['acs-identity entra assignment show --object-id <oid>', 'Show one']],
} as const satisfies CommandSpec;

const entraPrincipalType = {
  type: 'string',
  choices: ENTRA_PRINCIPAL_TYPES,
  description:
    'Who the assignment is for: one user, the members of a group, or every user of a tenant (--object-id is then the tenant id).',
  placeholder: '<type>',
} as const satisfies OptionSpec;

export const ENTRA_ASSIGNMENT_SET = {
  path: ['entra', 'assignment', 'set'],
  summary: 'Create or replace the Entra ID user assignment of a user, group or tenant.',
  details: `Its users may then exchange their Entra ID tokens through the --client-ids applications (\`token get-for-entra-user\`). Prints ${ENTRA_OUTPUT}; --verbose says whether it was created or replaced.`,
  options: {
    'object-id': entraObjectId,
    tenant: tenantOption,
    'principal-type': { ...entraPrincipalType, default: 'user' },
    'client-ids': { ...clientIdsOption, required: true },
  },
  groups: ['connection'],
  apiFeature: 'entraUsers',
  examples: [
    [
      'acs-identity entra assignment set --object-id <oid> --tenant <tid> --client-ids <appid>',
      'Let a user exchange its token through your application',
    ],
    [
      'acs-identity entra assignment set --object-id <tid> --tenant <tid> --principal-type tenant --client-ids <appid>',
      'Every user of a tenant',
    ],
  ],
} as const satisfies CommandSpec;

export const ENTRA_ASSIGNMENT_UPDATE = {
  path: ['entra', 'assignment', 'update'],
  summary: 'Change fields of the Entra ID user assignment of a user, group or tenant (merge patch).',
  details: `Changes only the fields given (at least one); a new object id needs all three. Prints ${ENTRA_OUTPUT}.`,
  options: {
    'object-id': entraObjectId,
    tenant: { ...tenantOption, required: false },
    'principal-type': entraPrincipalType,
    'client-ids': clientIdsOption,
  },
  groups: ['connection'],
  apiFeature: 'entraUsers',
  examples: [
    [
      'acs-identity entra assignment update --object-id <oid> --client-ids <app1> <app2>',
      'Replace the applications of an assignment',
    ],
  ],
} as const satisfies CommandSpec;

export const ENTRA_ASSIGNMENT_DELETE = {
  path: ['entra', 'assignment', 'delete'],
  summary: 'Delete the Entra ID user assignment of a user, group or tenant.',
  details: DELETE_DETAILS,
  whenGone: 'The assignment does not exist; nothing was deleted.',
  options: { 'object-id': entraObjectId, yes: yesOption },
  groups: ['connection'],
  apiFeature: 'entraUsers',
  examples: [['acs-identity entra assignment delete --object-id <oid> --yes', 'Delete without prompting']],
} as const satisfies CommandSpec;
