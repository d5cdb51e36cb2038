/**
 * The inputs and results of the identity client's operations: those over `@azure/communication-identity` and those of
 * today's API it lacks (newest-API reference section 2). Types only.
 */
import type { EntraTokenExchangeKind } from './access-input.js';
import type { IdentityOperationOptions } from './client-options.js';
import type { EntraPrincipalType, TeamsExtensionPrincipalType } from './vocabulary.js';

export type { EntraTokenExchangeKind };

/** An identity as the service describes it (`GET /identities/{id}`, 2025-03-02-preview). */
export interface UserDetails {
  rawId: string;
  /** The custom id it was created with. */
  customId?: string;
  /** When a token was last issued for it (create with a token, issue, a token exchange). */
  lastTokenIssuedAt?: Date;
}

/** A Teams Phone extensibility (Teams Extension) assignment. */
export interface TeamsExtensionAssignment {
  tenantId: string;
  objectId: string;
  /** `user` (with the `clientIds` it may exchange through) or `resourceAccount` (the server's consent). */
  principalType: TeamsExtensionPrincipalType;
  clientIds?: string[];
}

/** An Entra ID user assignment: a user, a group or a whole tenant, and the applications its users exchange through. */
export interface EntraAssignment {
  objectId: string;
  tenantId: string;
  principalType: EntraPrincipalType;
  clientIds: string[];
}

/** One entry of `updateEntraAssignments`: the fields to set (all of them for a new assignment), or `null` to remove. */
export type EntraAssignmentChange = Partial<Omit<EntraAssignment, 'objectId'>> | null;

/** What a create-or-replace did. */
export interface AssignmentResult<A> {
  assignment: A;
  /** `true` when it did not exist (201), `false` when it was replaced (200). */
  created: boolean;
}

/** An end user's Entra token to exchange for an ACS token. */
export interface EntraTokenExchangeInput {
  /** The end user's Entra access token (Teams Extension or Communication Services clients). Secret. */
  entraToken: string;
  /** Which exchange. @default read from the token's audience */
  kind?: EntraTokenExchangeKind;
}

/** An exchanged ACS token and the identity it is for. */
export interface ExchangedToken {
  /** `8:acs:<resource>_<tenant>_<user>` (a Teams extension user) or `8:acs:<resource>_wf_<tenant>_<user>` (Entra). */
  rawId: string;
  token: string;
  expiresOn: Date;
}

/** `customId` and a token request of a create. */
export interface CreateWithCustomId {
  customId: string;
  scopes?: readonly string[];
  expiresInMinutes?: number;
  abortSignal?: AbortSignal;
}

/** What a create with a custom id answers. */
export interface CreatedWithCustomId extends UserDetails {
  token?: string;
  expiresOn?: Date;
}

/** Options of the operations that issue a token. */
export interface IssueTokenOptions extends IdentityOperationOptions {
  /** Token lifetime, 60..1440. @default 1440 (chosen by the service; not sent) */
  expiresInMinutes?: number;
}

export interface IssuedToken {
  token: string;
  expiresOn: Date;
}

/** Options of `createUser`. */
export interface CreateUserOptions extends IdentityOperationOptions {
  /**
   * Your own id for the user (1 to 256 characters): the same custom id gives back the same identity (api-version
   * 2025-03-02-preview, called at that version whatever the client's).
   */
  customId?: string;
}

/** Options of `createUserAndToken`. */
export interface CreateUserAndTokenOptions extends IssueTokenOptions {
  /** As {@link CreateUserOptions.customId}: the identity of that custom id gets the token. */
  customId?: string;
}

export interface CreatedUser {
  rawId: string;
  /** The custom id, when the user was created with one. */
  customId?: string;
  /** When a token was last issued for the identity, when the service says (creates with a custom id). */
  lastTokenIssuedAt?: Date;
}

export interface CreatedUserAndToken extends IssuedToken, CreatedUser {}

export interface TeamsTokenExchangeInput {
  /** The Teams user's Entra ID access token (delegated `Teams.ManageCalls`, `Teams.ManageChats`). Secret. */
  aadToken: string;
  /** The Entra application (client) id the token was issued to: its `appid` claim. */
  appId: string;
  /** The Teams user's Entra object id: the token's `oid` claim. */
  userId: string;
}
