import { assertCommunicationUserId } from '@acs-identity/core';
import type { CreatedUserAndToken, IdentityClient } from '@acs-identity/core/node';
import { confirm } from '../confirm.js';
import { openClient } from '../connection.js';
import type { CommandContext } from '../context.js';
import { CliError, toCliError } from '../errors.js';
import type { CommandHandler } from '../handler.js';
import type { JsonValue } from '../json.js';
import { ProgressBar } from '../progress.js';
import { addSecret } from '../redact.js';
import type { USER_CREATE, USER_DELETE, USER_SHOW } from '../specs/identity.js';
import { rethrow } from './shared.js';

/**
 * az's shape `{"properties":{"id"},"rawId"}`, plus `customId` when the service answered one and `token`/`expires_on`
 * when a token was issued with the user.
 */
function userJson(created: { rawId: string } & Partial<CreatedUserAndToken>): JsonValue {
  const out: { [key: string]: JsonValue } = { properties: { id: created.rawId }, rawId: created.rawId };
  if (created.customId !== undefined) out.customId = created.customId;
  if (created.token !== undefined && created.expiresOn !== undefined) {
    addSecret(created.token);
    out.token = created.token;
    out.expires_on = created.expiresOn.toISOString();
  }
  return out;
}

/** What `user create` asks of each create: a token's scopes and lifetime, a custom id. */
interface CreateRequest {
  readonly scopes: readonly string[] | undefined;
  readonly expiresInMinutes: number | undefined;
  readonly customId: string | undefined;
}

async function createOne(client: IdentityClient, request: CreateRequest): Promise<JsonValue> {
  const { scopes, expiresInMinutes, customId } = request;
  const options = {
    ...(customId === undefined ? {} : { customId }),
    ...(expiresInMinutes === undefined ? {} : { expiresInMinutes }),
  };
  if (scopes === undefined) return userJson(await client.createUser(options));
  return userJson(await client.createUserAndToken(scopes, options));
}

/** The summary line of a batch: how many, how fast, and the failures by code. */
function summary(
  created: number,
  count: number,
  seconds: number,
  endpoint: string,
  failures: CliError[],
): string {
  const byCode = new Map<string, number>();
  for (const f of failures) byCode.set(f.code, (byCode.get(f.code) ?? 0) + 1);
  const failed = failures.length
    ? `; ${failures.length} failed (${[...byCode].map(([code, n]) => `${code} x${n}`).join(', ')})`
    : '';
  return `Created ${created} of ${count} users in ${seconds.toFixed(2)} s (${Math.round(created / seconds)}/s) on ${endpoint}${failed}.`;
}

async function createMany(
  client: IdentityClient,
  count: number,
  concurrency: number,
  create: () => Promise<JsonValue>,
  context: CommandContext,
): Promise<JsonValue[]> {
  const started = context.io.now();
  const results: (JsonValue | undefined)[] = new Array(count);
  const failures: CliError[] = [];
  const bar = new ProgressBar(context.io.stderr, count, context.log.level !== 'errors');
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      try {
        results[index] = await create();
        bar.tick(true);
      } catch (error) {
        failures.push(toCliError(error));
        bar.tick(false);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  bar.clear();
  const seconds = Math.max(0.001, (context.io.now() - started) / 1000);
  const created = results.filter((r): r is JsonValue => r !== undefined);
  context.log.notice(summary(created.length, count, seconds, client.endpoint, failures));
  const first = failures[0];
  if (first) {
    // Print what was created before failing, so nothing is lost.
    throw new CliError(
      first.code,
      `${failures.length} of ${count} users were not created: ${first.message}`,
      {
        cause: first,
        hint: first.hint,
        ...(first.status === undefined ? {} : { status: first.status }),
        ...(first.serviceCode === undefined ? {} : { serviceCode: first.serviceCode }),
        partialResult: created,
      },
    );
  }
  return created;
}

/** `user create [--scope ...] [--expires-in-minutes N] [--custom-id <id>] [--count N --concurrency N]`. */
export const userCreate: CommandHandler<typeof USER_CREATE> = async (args, context) => {
  const request: CreateRequest = {
    scopes: args.scope,
    expiresInMinutes: args['expires-in-minutes'],
    customId: args['custom-id'],
  };
  if (request.expiresInMinutes !== undefined && request.scopes === undefined) {
    throw new CliError(
      'USAGE',
      '--expires-in-minutes needs --scope: a lifetime applies to the token created with the user.',
    );
  }
  if (request.customId !== undefined && context.sources.count !== 'default') {
    throw new CliError(
      'USAGE',
      '--count and --custom-id do not go together: a custom id names one user, the same identity every time.',
      { hint: 'Give --custom-id without --count (one user), or --count without --custom-id (new users).' },
    );
  }
  const client = await openClient(args, context);
  try {
    if (args.count === 1) return await createOne(client, request);
    return await createMany(client, args.count, args.concurrency, () => createOne(client, request), context);
  } catch (error) {
    return rethrow(error);
  }
};

/**
 * `user show --user <id>`: the identity as the service describes it, in `user create`'s shape plus `customId` and
 * `lastTokenIssuedAt` (null when the service has none).
 */
export const userShow: CommandHandler<typeof USER_SHOW> = async (args, context) => {
  const client = await openClient(args, context);
  try {
    const user = await client.getUser(args.user);
    return {
      properties: { id: user.rawId },
      rawId: user.rawId,
      customId: user.customId ?? null,
      lastTokenIssuedAt: user.lastTokenIssuedAt?.toISOString() ?? null,
    };
  } catch (error) {
    return rethrow(error);
  }
};

/** `user delete --user <id> [--yes]`. */
export const userDelete: CommandHandler<typeof USER_DELETE> = async (args, context) => {
  assertCommunicationUserId(args.user, '--user');
  const client = await openClient(args, context);
  await confirm(context, `Delete the user ${args.user} and revoke its tokens?`, args.yes);
  try {
    await client.deleteUser(args.user);
  } catch (error) {
    return rethrow(error);
  }
  context.log.info(`Deleted ${args.user}.`);
  return undefined;
};
