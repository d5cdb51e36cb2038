/**
 * What the gateway needs from the ACS Identity back end. `@acs-identity/core/node`'s `IdentityClient` satisfies it;
 * tests and embedders may pass their own.
 */
export interface IdentityBackend {
  readonly endpoint: string;
  createUser(): Promise<{ rawId: string }>;
  createUserAndToken(
    scopes: readonly string[],
    options?: { expiresInMinutes?: number },
  ): Promise<{ rawId: string; token: string; expiresOn: Date }>;
  issueToken(
    userId: string,
    scopes: readonly string[],
    options?: { expiresInMinutes?: number },
  ): Promise<{ token: string; expiresOn: Date }>;
  revokeTokens(userId: string): Promise<void>;
  deleteUser(userId: string): Promise<void>;
  exchangeTeamsToken(input: { aadToken: string; appId: string; userId: string }): Promise<{
    token: string;
    expiresOn: Date;
  }>;
}
