/** The `resource identity` commands: managed identities of the resource, with az's flags (`az communication identity`). */
import { DEFAULT_DATA_DIR, EMULATOR_INFO_FILE } from '@acs-identity/core/vocabulary';
import { CONNECTION_OPTIONS } from '../global-options.js';
import type { CommandSpec, OptionSpec } from '../spec.js';

/** How the `resource identity` commands find Azure Resource Manager (or the local emulator's ARM routes). */
const RESOURCE_OPTIONS = {
  name: {
    type: 'string',
    alias: ['n'],
    required: true,
    description: 'Name of the Communication Services resource.',
    placeholder: '<name>',
  },
  'resource-group': {
    type: 'string',
    alias: ['g'],
    required: true,
    description: 'Resource group of the resource.',
    placeholder: '<group>',
  },
  subscription: {
    type: 'string',
    env: 'AZURE_SUBSCRIPTION_ID',
    description: 'Subscription id (any GUID for the local emulator; default there: all zeros).',
    placeholder: '<id>',
  },
  'management-endpoint': {
    type: 'string',
    env: 'ACS_IDENTITY_MANAGEMENT_ENDPOINT',
    description: `Azure Resource Manager endpoint, authenticated with DefaultAzureCredential. Default: the local emulator of ${DEFAULT_DATA_DIR}/${EMULATOR_INFO_FILE} (signed in through its local Entra issuer), else https://management.azure.com.`,
    placeholder: '<url>',
  },
  'ca-cert': {
    ...CONNECTION_OPTIONS['ca-cert'],
    description: 'PEM file of a CA to trust for HTTPS (the local emulator’s is used automatically).',
  },
} as const satisfies Record<string, OptionSpec>;

export const RESOURCE_IDENTITY_ASSIGN = {
  path: ['resource', 'identity', 'assign'],
  summary:
    'Assign managed identities to a Communication Services resource (az communication identity assign).',
  details:
    'Adds to what the resource has. Prints the resulting identity {"principalId","tenantId","type","userAssignedIdentities"}.',
  options: {
    'system-assigned': { type: 'boolean', description: 'Enable the system-assigned identity.' },
    'user-assigned': {
      type: 'array',
      description: 'ARM ids of user-assigned identities to add.',
      placeholder: '<id...>',
    },
    ...RESOURCE_OPTIONS,
  },
  groups: [],
  examples: [
    ['acs-identity resource identity assign -n acs -g rg --system-assigned', 'Enable the system identity'],
  ],
} as const satisfies CommandSpec;

export const RESOURCE_IDENTITY_REMOVE = {
  path: ['resource', 'identity', 'remove'],
  summary:
    'Remove managed identities from a Communication Services resource (az communication identity remove).',
  details: '--user-assigned without ids removes every user-assigned identity. Prints the resulting identity.',
  options: {
    'system-assigned': { type: 'boolean', description: 'Remove the system-assigned identity.' },
    'user-assigned': {
      type: 'array',
      description: 'ARM ids of user-assigned identities to remove; none given: all of them.',
      placeholder: '<id...>',
    },
    ...RESOURCE_OPTIONS,
  },
  groups: [],
  examples: [
    ['acs-identity resource identity remove -n acs -g rg --user-assigned', 'Remove every user identity'],
  ],
} as const satisfies CommandSpec;

export const RESOURCE_IDENTITY_SHOW = {
  path: ['resource', 'identity', 'show'],
  summary:
    'Show the managed identities of a Communication Services resource (az communication identity show).',
  options: { ...RESOURCE_OPTIONS },
  groups: [],
  examples: [['acs-identity resource identity show -n acs -g rg', 'Show them']],
} as const satisfies CommandSpec;
