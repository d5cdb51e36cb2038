/**
 * The ACS Identity client: the operations of `@azure/communication-identity` and those of today's API it lacks, built
 * on the Azure core pipeline, authenticated by connection string or by endpoint plus a `TokenCredential`. Node entry.
 */
import { type AccessOperations, accessOperations } from './access-operations.js';
import { type IdentityClientOptions, normalizeOptions } from './client-options.js';
import { AcsIdentityError } from './errors.js';
import type {
  CreatedUser,
  CreatedUserAndToken,
  CreateUserAndTokenOptions,
  CreateUserOptions,
} from './operation-types.js';
import { transportOptions } from './pipeline-policies.js';
import { run, type SdkOperations, sdkOperations } from './sdk-operations.js';
import type { ApiVersion } from './vocabulary.js';

export type {
  IdentityClientOptions,
  IdentityClientRetryOptions,
  IdentityOperationOptions,
  IdentityRequestLogEntry,
} from './client-options.js';
export type * from './operation-types.js';

/** The ACS Identity operations. Every failure is an `AcsIdentityError`. */
export interface IdentityClient
  extends AccessOperations,
    Omit<SdkOperations, 'createUser' | 'createUserAndToken'> {
  /** The endpoint, with a trailing slash. */
  readonly endpoint: string;
  readonly apiVersion: ApiVersion;
  /** With `customId` (1 to 256 characters): the identity of that custom id, created on first use. */
  createUser(options?: CreateUserOptions): Promise<CreatedUser>;
  createUserAndToken(
    scopes: readonly string[],
    options?: CreateUserAndTokenOptions,
  ): Promise<CreatedUserAndToken>;
}

/**
 * Creates an {@link IdentityClient}. Validates the options first and throws `AcsIdentityError` with code
 * `NOT_CONFIGURED` (nothing to connect to, unreadable CA file) or `INVALID_INPUT` (malformed connection string,
 * endpoint, api-version...). Makes no network call.
 */
export function createIdentityClient(options: IdentityClientOptions): IdentityClient {
  const o = normalizeOptions(options);
  const transport = transportOptions(o);
  const sdk = sdkOperations(o, transport);
  const access = accessOperations(o, transport);
  const withCustomId = (customId: string, options?: CreateUserAndTokenOptions, scopes?: readonly string[]) =>
    run(
      () => () =>
        access.createWithCustomId({
          customId,
          ...(scopes === undefined ? {} : { scopes }),
          ...(options?.expiresInMinutes === undefined ? {} : { expiresInMinutes: options.expiresInMinutes }),
          ...(options?.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }),
        }),
    );
  return {
    endpoint: o.endpoint,
    apiVersion: o.apiVersion,
    ...sdk,
    ...access,
    createUser: (options) =>
      options?.customId === undefined ? sdk.createUser(options) : withCustomId(options.customId, options),
    createUserAndToken: async (scopes, options) => {
      if (options?.customId === undefined) return sdk.createUserAndToken(scopes, options);
      const { token, expiresOn, ...user } = await withCustomId(options.customId, options, scopes);
      if (token === undefined || expiresOn === undefined) {
        throw new AcsIdentityError(
          'UNEXPECTED',
          'The service created the user but answered without its token.',
        );
      }
      return { ...user, token, expiresOn };
    },
  };
}
