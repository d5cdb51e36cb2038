/**
 * THE table of the gateway's root fields: for each, its cost in the per-caller rate limit and who may call it. The
 * guard enforces the access, the rate limit charges the cost, and the README's "Who may call what" table is generated
 * from it (tests hold the table to the schema and the README to the table).
 */

/**
 * Who may call a root field. Anonymous callers never may (`UNAUTHENTICATED`).
 *
 * - `signedIn`: administrators and end users.
 * - `admin`: administrators only; end users get `FORBIDDEN`.
 * - `endUser`: end users only, for themselves; administrators get `FORBIDDEN` naming their own field.
 * - `adminOrOwnIdentity`: administrators; end users only for their own identity (`userId`), else `FORBIDDEN`.
 * - `adminOrOwnToken`: administrators; end users only with an Entra token of their own (the resolver checks how).
 */
export type Access = 'signedIn' | 'admin' | 'endUser' | 'adminOrOwnIdentity' | 'adminOrOwnToken';

/** One root field of the schema. */
export interface RootField {
  readonly type: 'query' | 'mutation';
  /** Units it takes from its caller's budget (`GATEWAY_RATE_LIMIT_PER_MINUTE`). */
  readonly cost: number;
  readonly access: Access;
  /** `endUser` fields: what administrators use instead. */
  readonly adminAlternative?: string;
  /** What end users may do, when the access alone does not say it. */
  readonly endUserRule?: string;
}

const signedIn = { type: 'query', cost: 1, access: 'signedIn' } as const;
const adminQuery = { type: 'query', cost: 1, access: 'admin' } as const;
const adminMutation = { type: 'mutation', cost: 1, access: 'admin' } as const;

export const ROOT_FIELDS = {
  me: signedIn,
  identifier: signedIn,
  scopes: signedIn,
  serverTime: signedIn,
  user: adminQuery,
  teamsExtensionAssignment: adminQuery,
  entraAssignments: adminQuery,
  entraAssignment: adminQuery,
  createUser: adminMutation,
  createUserAndToken: adminMutation,
  issueToken: { type: 'mutation', cost: 1, access: 'adminOrOwnIdentity' },
  revokeTokens: { type: 'mutation', cost: 1, access: 'adminOrOwnIdentity' },
  deleteUser: adminMutation,
  exchangeTeamsToken: {
    type: 'mutation',
    cost: 1,
    access: 'adminOrOwnToken',
    endUserRule:
      'only when `userId` equals the `oid` claim (`GATEWAY_TEAMS_USER_CLAIM`) of their sign-in token, else `FORBIDDEN`',
  },
  exchangeEntraToken: {
    type: 'mutation',
    cost: 1,
    access: 'adminOrOwnToken',
    endUserRule:
      "only their own Entra token: its `oid` equals the `oid` claim (`GATEWAY_TEAMS_USER_CLAIM`) of their sign-in token, and its `tid` the sign-in token's `tid` when that has one, else `FORBIDDEN`",
  },
  setTeamsExtensionAssignment: adminMutation,
  deleteTeamsExtensionAssignment: adminMutation,
  setEntraAssignment: adminMutation,
  updateEntraAssignments: adminMutation,
  deleteEntraAssignment: adminMutation,
  issueMyToken: { type: 'mutation', cost: 1, access: 'endUser', adminAlternative: 'issueToken' },
  revokeMyTokens: { type: 'mutation', cost: 1, access: 'endUser', adminAlternative: 'revokeTokens' },
} as const satisfies Record<string, RootField>;

/** A root field of the schema. */
export type RootFieldName = keyof typeof ROOT_FIELDS;

/** The units a root field takes from its caller's budget: its cost, or one for a field the table does not know. */
export function rootFieldCost(name: string): number {
  return Object.hasOwn(ROOT_FIELDS, name) ? ROOT_FIELDS[name as RootFieldName].cost : 1;
}

/** The README's "Who may call what" table, generated from {@link ROOT_FIELDS}. */
export function accessMarkdownTable(): string {
  const rows = ['| Root field | Type | Cost | Administrator | End user |', '|---|---|---|---|---|'];
  for (const [name, field] of Object.entries(ROOT_FIELDS) as [RootFieldName, RootField][]) {
    const [admin, endUser] = cells(field);
    rows.push(`| \`${name}\` | ${field.type} | ${field.cost} | ${admin} | ${endUser} |`);
  }
  return rows.join('\n');
}

/** The administrator's and the end user's cells of a row. */
function cells(field: RootField): [string, string] {
  switch (field.access) {
    case 'signedIn':
      return ['yes', 'yes'];
    case 'admin':
      return ['yes', 'no (`FORBIDDEN`)'];
    case 'endUser':
      return [`no (\`FORBIDDEN\`: use \`${field.adminAlternative}\`)`, 'yes, for their own identity'];
    case 'adminOrOwnIdentity':
      return ['yes', "only with their own identity's `userId`, else `FORBIDDEN`"];
    case 'adminOrOwnToken':
      return ['yes', field.endUserRule ?? 'only with a token of their own'];
    default: {
      const never: never = field.access;
      return never;
    }
  }
}
