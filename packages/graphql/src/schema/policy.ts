import { SCOPE_DETAILS, TOKEN_LIFETIME, TOKEN_SCOPES, type TokenScope } from '@acs-identity/core';
import type { JWTPayload } from 'jose';
import type { Caller, EndUser } from '../authenticate.js';
import { GatewayError } from '../errors.js';
import type { GatewayContext, UserView } from './context.js';
import type { IdentityMapping } from './identity-mapping.js';
import type { RootField, RootFieldName } from './operations.js';

/**
 * Who may do what: administrators everything; end users only their own identity, the configured scopes and lifetimes,
 * and the exchanges of their own Teams or Entra token. Every refusal is `FORBIDDEN` (or `UNAUTHENTICATED` without a
 * caller).
 */
export class AuthorizationPolicy {
  readonly #mapping: IdentityMapping;
  readonly #userScopes: readonly TokenScope[];
  readonly #userMaxExpiresInMinutes: number;
  readonly #teamsUserClaim: string;

  constructor(options: {
    mapping: IdentityMapping;
    userScopes: readonly TokenScope[];
    userMaxExpiresInMinutes: number;
    teamsUserClaim: string;
  }) {
    this.#mapping = options.mapping;
    this.#userScopes = options.userScopes;
    this.#userMaxExpiresInMinutes = options.userMaxExpiresInMinutes;
    this.#teamsUserClaim = options.teamsUserClaim;
  }

  /** The caller of the context; `UNAUTHENTICATED` without one. */
  caller(ctx: GatewayContext): Caller {
    if (ctx.caller === undefined) {
      throw new GatewayError(
        'UNAUTHENTICATED',
        'Sign in first: send "Authorization: Bearer <token or admin key>".',
      );
    }
    return ctx.caller;
  }

  /** Scopes the caller may ask for. */
  allowedScopes(caller: Caller): readonly TokenScope[] {
    return caller.role === 'admin' ? TOKEN_SCOPES : this.#userScopes;
  }

  /** Whether end users may ask for `scope`. */
  allowsEndUsers(scope: TokenScope): boolean {
    return this.#userScopes.includes(scope);
  }

  /** Longest token lifetime the caller may ask for, in minutes. */
  maxExpiresInMinutes(caller: Caller): number {
    return caller.role === 'admin' ? TOKEN_LIFETIME.maxMinutes : this.#userMaxExpiresInMinutes;
  }

  /**
   * The end user's own identity, if they have one (always undefined for administrators). With custom ids every end
   * user has one: it is found, or made, through their custom id.
   */
  async ownIdentity(caller: Caller): Promise<UserView | undefined> {
    return caller.role === 'user' ? this.#mapping.own(caller) : undefined;
  }

  /** The access of a root field in the operations table: administrators only, end users only, or anyone signed in. */
  access(caller: Caller, field: RootFieldName, rule: RootField): void {
    if (rule.access === 'admin') this.adminOnly(caller, field);
    else if (rule.access === 'endUser')
      this.endUserOnly(caller, field, rule.adminAlternative ?? 'the admin fields');
  }

  /** Administrators only. */
  adminOnly(caller: Caller, field: string): void {
    if (caller.role !== 'admin') {
      throw new GatewayError(
        'FORBIDDEN',
        `${field} is for administrators (Authorization: Bearer <admin key>).`,
      );
    }
  }

  /** End users only (the "My" mutations). */
  endUserOnly(caller: Caller, field: string, adminAlternative: string): EndUser {
    if (caller.role !== 'user') {
      throw new GatewayError(
        'FORBIDDEN',
        `${field} is for signed-in end users; administrators use ${adminAlternative}.`,
      );
    }
    return caller;
  }

  /** An end user may name an identity only when it is their own. */
  async forIdentity(caller: Caller, userId: string, action: string): Promise<void> {
    if (caller.role === 'admin') return;
    if (!(await this.#mapping.owns(caller, userId))) {
      throw new GatewayError(
        'FORBIDDEN',
        `End users may ${action} only for their own identity; use the "My" mutations.`,
        {
          field: 'userId',
        },
      );
    }
  }

  /** End users get only the configured scopes and lifetimes; returns the lifetime to ask for. */
  endUserToken(scopes: readonly TokenScope[], minutes: number | undefined): number {
    const refused = scopes.filter((s) => !this.#userScopes.includes(s));
    if (refused.length > 0) {
      const names = (list: readonly TokenScope[]) => list.map((s) => SCOPE_DETAILS[s].enumName).join(', ');
      throw new GatewayError(
        'FORBIDDEN',
        `End users may not ask for ${names(refused)}; allowed: ${names(this.#userScopes)}.`,
        { field: 'scopes' },
      );
    }
    if (minutes !== undefined && minutes > this.#userMaxExpiresInMinutes) {
      throw new GatewayError(
        'FORBIDDEN',
        `End users may ask for tokens of at most ${this.#userMaxExpiresInMinutes} minutes, not ${minutes}.`,
        { field: 'expiresInMinutes' },
      );
    }
    return minutes ?? this.#userMaxExpiresInMinutes;
  }

  /** An end user may exchange only their own Teams token: `userId` must equal their object-id claim. */
  teamsExchange(caller: Caller, userId: string): void {
    if (caller.role !== 'user') return;
    const own = caller.claims[this.#teamsUserClaim];
    if (typeof own !== 'string' || own.toLowerCase() !== userId.toLowerCase()) {
      throw new GatewayError(
        'FORBIDDEN',
        `End users may exchange only their own Teams token: userId must equal the "${this.#teamsUserClaim}" claim of your sign-in token.`,
        { field: 'userId' },
      );
    }
  }

  /**
   * An end user may exchange only their own Entra token: its `oid` must equal their sign-in token's object-id claim
   * (`GATEWAY_TEAMS_USER_CLAIM`), and its `tid` their sign-in token's `tid` when that has one. The Entra token's claims
   * are read, not verified: the service verifies the token, and a forged one gets nothing there.
   */
  entraExchange(caller: Caller, entraClaims: JWTPayload): void {
    if (caller.role !== 'user') return;
    const own = caller.claims[this.#teamsUserClaim];
    const ownTenant = caller.claims.tid;
    const sameUser =
      typeof own === 'string' &&
      typeof entraClaims.oid === 'string' &&
      own.toLowerCase() === entraClaims.oid.toLowerCase();
    const sameTenant =
      typeof ownTenant !== 'string' ||
      (typeof entraClaims.tid === 'string' && ownTenant.toLowerCase() === entraClaims.tid.toLowerCase());
    if (!sameUser || !sameTenant) {
      throw new GatewayError(
        'FORBIDDEN',
        `End users may exchange only their own Entra token: its "oid" (and "tid") must equal the "${this.#teamsUserClaim}" (and "tid") claim of your sign-in token.`,
        { field: 'entraToken' },
      );
    }
  }
}
