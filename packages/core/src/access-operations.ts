/**
 * The operations of today's ACS Identity API that `@azure/communication-identity` 1.3.1 lacks, composed over the
 * client's endpoint, credential and transport: custom ids and identity details, the assignments, and the exchange of an
 * end user's Entra token. Each is called at the client's api-version when that has it, else at the version core's
 * feature table gives it. Node entry.
 */
import { type AssignmentOperations, assignmentOperations } from './assignments.js';
import type { NormalizedOptions } from './client-options.js';
import { type EntraExchangeOperations, entraExchangeOperations } from './entra-exchange.js';
import { toAcsIdentityError } from './errors.js';
import type { TransportOptions } from './pipeline-policies.js';
import { createRestCaller } from './rest-client.js';
import { type UserDetailOperations, userDetailOperations } from './user-details.js';

/** The newer operations of an identity client. */
export type AccessOperations = UserDetailOperations & AssignmentOperations & EntraExchangeOperations;

/** Each operation of `ops`, failing only with an `AcsIdentityError`. */
function converted<T extends object>(ops: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, op] of Object.entries(ops)) {
    out[name] = async (...args: unknown[]) => {
      try {
        return await (op as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (e) {
        throw toAcsIdentityError(e);
      }
    };
  }
  return out as T;
}

export function accessOperations(o: NormalizedOptions, transport: TransportOptions): AccessOperations {
  const call = createRestCaller(o, transport, true);
  return converted({
    ...userDetailOperations(call, o.apiVersion),
    ...assignmentOperations(call, o.apiVersion),
    ...entraExchangeOperations(createRestCaller(o, transport, false), o.apiVersion),
  });
}
