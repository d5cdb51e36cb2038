/**
 * The token scopes of the ACS Identity service, the api-version that introduced each and what they allow
 * (reference section 2).
 *
 * Isomorphic: no Node built-ins.
 */
import { AcsIdentityError, describeInput } from './errors.js';
import {
  type ApiVersion,
  SCOPE_SERVICE_NAMES,
  SCOPE_SINCE,
  TOKEN_SCOPES,
  type TokenScope,
} from './vocabulary.js';

export interface ScopeDetails {
  /** The api-version that introduced the scope. */
  since: ApiVersion;
  /** The name in SDK enums and in upper-case user input. */
  enumName: (typeof SCOPE_SERVICE_NAMES)[TokenScope];
  description: string;
  capabilities: readonly string[];
}

export const SCOPE_DETAILS: Readonly<Record<TokenScope, ScopeDetails>> = {
  chat: {
    since: SCOPE_SINCE.chat,
    enumName: SCOPE_SERVICE_NAMES.chat,
    description: 'Full chat access.',
    capabilities: [
      'create threads',
      'update threads',
      'delete threads',
      'add participants',
      'remove participants',
      'read messages',
      'send messages',
    ],
  },
  voip: {
    since: SCOPE_SINCE.voip,
    enumName: SCOPE_SERVICE_NAMES.voip,
    description: 'Start and join calls.',
    capabilities: ['start calls', 'join calls'],
  },
  'chat.join': {
    since: SCOPE_SINCE['chat.join'],
    enumName: SCOPE_SERVICE_NAMES['chat.join'],
    description: 'Take part in existing chat threads; cannot create or delete threads.',
    capabilities: ['add participants', 'remove participants', 'read messages', 'send messages'],
  },
  'chat.join.limited': {
    since: SCOPE_SINCE['chat.join.limited'],
    enumName: SCOPE_SERVICE_NAMES['chat.join.limited'],
    description: 'Read and send messages in existing chat threads only.',
    capabilities: ['read messages', 'send messages'],
  },
  'voip.join': {
    since: SCOPE_SINCE['voip.join'],
    enumName: SCOPE_SERVICE_NAMES['voip.join'],
    description: 'Join only the calls the user is invited to (Rooms); cannot start a call.',
    capabilities: ['join invited calls'],
  },
};

export function isTokenScope(s: unknown): s is TokenScope {
  return (TOKEN_SCOPES as readonly unknown[]).includes(s);
}

/**
 * Parses one scope from user input: `chat`, `CHAT`, `chat.join`, `CHAT_JOIN`, `Chat.Join`... (any case, `.` or `_`).
 * Throws `INVALID_INPUT` (target `scopes`) naming the scope and listing the valid ones.
 */
export function parseScope(input: string): TokenScope {
  const normalized = typeof input === 'string' ? input.trim().toLowerCase().replaceAll('_', '.') : undefined;
  if (isTokenScope(normalized)) return normalized;
  throw new AcsIdentityError(
    'INVALID_INPUT',
    `Unknown scope ${describeInput(input)}. Valid scopes: ${TOKEN_SCOPES.join(', ')}.`,
    { target: 'scopes' },
  );
}

/**
 * Parses a list of scopes from user input; each entry may itself be a comma-separated list. Duplicates are dropped
 * keeping the first occurrence's order. An empty result throws the service's error
 * `Invalid scopes - Scopes field is required.` (target `scopes`).
 */
export function parseScopes(inputs: readonly string[]): TokenScope[] {
  if (!Array.isArray(inputs)) {
    throw new AcsIdentityError('INVALID_INPUT', 'Scopes must be a list of scope names.', {
      target: 'scopes',
    });
  }
  const out: TokenScope[] = [];
  for (const input of inputs) {
    if (typeof input !== 'string') parseScope(input);
    for (const piece of input.split(',')) {
      if (piece.trim() === '') continue;
      const scope = parseScope(piece);
      if (!out.includes(scope)) out.push(scope);
    }
  }
  if (out.length === 0) {
    throw new AcsIdentityError('INVALID_INPUT', 'Invalid scopes - Scopes field is required.', {
      target: 'scopes',
    });
  }
  return out;
}
