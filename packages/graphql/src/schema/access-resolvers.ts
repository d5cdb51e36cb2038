import { parseIdentifier } from '@acs-identity/core';
import type {
  EntraAssignment,
  EntraAssignmentChange,
  EntraTokenExchangeKind,
  TeamsExtensionAssignment,
} from '@acs-identity/core/node';
import { decodeJwt, type JWTPayload } from 'jose';
import { type ConversionOptions, GatewayError, toGatewayError } from '../errors.js';
import { scopesOfToken } from './identity-resolvers.js';
import type { ResolverTools } from './tools.js';
import { identifierView } from './views.js';

/**
 * Who may use Teams Phone extensibility and Entra ID users on the resource (the assignments, administrators only), and
 * the exchange of an end user's Entra token for a caller who holds it.
 */

/** A call that failed with `null` for a resource that is not there (404): the nullable queries. */
async function orNull<T>(call: () => Promise<T>): Promise<T | null> {
  try {
    return await call();
  } catch (e) {
    if (toGatewayError(e).code === 'NOT_FOUND') return null;
    throw e;
  }
}

/** How an exchange's failures read: the token is the caller's, and it authenticated the call. */
const EXCHANGE: ConversionOptions = { tokenField: 'entraToken', tokenIsCredential: true };

/** The claims of an end user's Entra token, read without verifying it; `BAD_USER_INPUT` when it is no JWT. */
function entraClaimsOf(entraToken: string): JWTPayload {
  try {
    return decodeJwt(entraToken.trim());
  } catch (e) {
    throw new GatewayError(
      'BAD_USER_INPUT',
      "entraToken is not a JWT: pass the end user's Entra access token (three base64url parts separated by dots).",
      { cause: e, field: 'entraToken' },
    );
  }
}

/** One entry of `updateEntraAssignments` as the API's merge patch has it. */
export interface ChangeArgs {
  objectId: string;
  remove?: boolean | null;
  tenantId?: string | null;
  principalType?: EntraAssignment['principalType'] | null;
  clientIds?: string[] | null;
}

/** The changes as the API's merge patch: object id → the fields given, or `null` to remove. */
function mergePatch(changes: readonly ChangeArgs[]): Record<string, EntraAssignmentChange> {
  const patch: Record<string, EntraAssignmentChange> = {};
  for (const { objectId, remove, ...fields } of changes) {
    if (Object.hasOwn(patch, objectId)) {
      throw new GatewayError('BAD_USER_INPUT', `${objectId} is changed twice; give each object id once.`, {
        field: 'changes',
      });
    }
    const given = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== undefined));
    if (remove === true) {
      if (Object.keys(given).length > 0) {
        throw new GatewayError(
          'BAD_USER_INPUT',
          `${objectId}: remove takes no other field (it removes the whole assignment).`,
          { field: 'changes' },
        );
      }
      patch[objectId] = null;
    } else patch[objectId] = given;
  }
  return patch;
}

/** The assignment queries. */
export function accessQueries(tools: ResolverTools) {
  const { guarded, backend } = tools;
  return {
    teamsExtensionAssignment: guarded(
      'teamsExtensionAssignment',
      async ({ tenantId, objectId }: { tenantId: string; objectId: string }) =>
        orNull(async () => (await backend()).getTeamsExtensionAssignment(tenantId, objectId)),
    ),
    entraAssignments: guarded('entraAssignments', async () => (await backend()).listEntraAssignments()),
    entraAssignment: guarded('entraAssignment', async ({ objectId }: { objectId: string }) =>
      orNull(async () => (await backend()).getEntraAssignment(objectId)),
    ),
  };
}

/** The assignment mutations and the Entra token exchange. */
export function accessMutations(tools: ResolverTools) {
  const { guarded, backend, policy, issued } = tools;
  return {
    setTeamsExtensionAssignment: guarded(
      'setTeamsExtensionAssignment',
      async ({ assignment }: { assignment: TeamsExtensionAssignment }) => {
        const { clientIds, ...rest } = assignment;
        return (await backend()).setTeamsExtensionAssignment(
          clientIds === null || clientIds === undefined ? rest : assignment,
        );
      },
    ),
    deleteTeamsExtensionAssignment: guarded(
      'deleteTeamsExtensionAssignment',
      async ({ tenantId, objectId }: { tenantId: string; objectId: string }) => {
        await (await backend()).deleteTeamsExtensionAssignment(tenantId, objectId);
        return true;
      },
    ),
    setEntraAssignment: guarded(
      'setEntraAssignment',
      async ({ assignment }: { assignment: EntraAssignment }) =>
        (await backend()).setEntraAssignment(assignment),
    ),
    updateEntraAssignments: guarded(
      'updateEntraAssignments',
      async ({ changes }: { changes: ChangeArgs[] }) => {
        const patch = mergePatch(changes);
        try {
          return await (await backend()).updateEntraAssignments(patch);
        } catch (e) {
          const error = toGatewayError(e);
          // The service names the object id at fault as its target: the argument at fault is `changes`.
          if (error.field !== undefined && Object.hasOwn(patch, error.field)) {
            throw new GatewayError(error.code, error.message, { cause: e, field: 'changes' });
          }
          throw error;
        }
      },
    ),
    deleteEntraAssignment: guarded('deleteEntraAssignment', async ({ objectId }: { objectId: string }) => {
      await (await backend()).deleteEntraAssignment(objectId);
      return true;
    }),
    exchangeEntraToken: guarded(
      'exchangeEntraToken',
      async (args: { entraToken: string; kind?: EntraTokenExchangeKind | null }, caller) => {
        policy.entraExchange(caller, entraClaimsOf(args.entraToken));
        const input = { entraToken: args.entraToken, ...(args.kind ? { kind: args.kind } : {}) };
        let exchanged: Awaited<ReturnType<Awaited<ReturnType<typeof backend>>['exchangeEntraToken']>>;
        try {
          exchanged = await (await backend()).exchangeEntraToken(input);
        } catch (e) {
          throw toGatewayError(e, EXCHANGE);
        }
        return {
          identity: identifierView(parseIdentifier(exchanged.rawId)),
          accessToken: issued(exchanged, scopesOfToken(exchanged.token), caller),
        };
      },
    ),
  };
}
