import { resolve } from 'node:path';
import { toAcsIdentityError } from '@acs-identity/core';
import type { IssuedToken } from '@acs-identity/core/node';
import { onStopSignals, type StopSignal } from '@acs-identity/core/server';
import type { CommandContext } from '../context.js';
import { isCliError } from '../errors.js';
import type { JsonValue } from '../json.js';
import { tableValues } from '../option-table.js';
import { addSecret } from '../redact.js';
import { EMULATOR_STATE } from '../specs/emulator.js';

/** A failure of a core operation as the core error it is (converted by core's own converter); ours as they are. */
export function asCoreError(error: unknown): unknown {
  return isCliError(error) ? error : toAcsIdentityError(error);
}

/** Re-throws a failure of a core operation as the core error it is. */
export function rethrow(error: unknown): never {
  throw asCoreError(error);
}

/**
 * The emulator's state options from a command's arguments (its EMULATOR_STATE_OPTIONS), `--data-dir` relative to the
 * working folder.
 */
export function stateOptions(args: Readonly<Record<string, unknown>>, context: CommandContext) {
  const state = tableValues(EMULATOR_STATE, args);
  return {
    ...state,
    ...(state.dataDir === undefined ? {} : { dataDir: resolve(context.io.cwd, state.dataDir) }),
  };
}

/**
 * Waits for Ctrl+C (SIGINT) or SIGTERM, then says so and stops `what` with `close`. A second signal while it stops
 * exits at once (core's onStopSignals).
 */
export function runUntilStopped(
  context: CommandContext,
  what: string,
  close: () => Promise<void>,
): Promise<void> {
  return new Promise((done, fail) => {
    const dispose = onStopSignals(async (signal: StopSignal) => {
      context.log.notice(`Received ${signal}; stopping ${what}.`);
      try {
        await close();
        done();
      } catch (error) {
        fail(error);
      } finally {
        dispose();
      }
    });
  });
}

/** az's token shape `{"expires_on","token"}`, plus `user_id` when there is one; the token is masked in logs. */
export function tokenJson(issued: IssuedToken, userId?: string): JsonValue {
  addSecret(issued.token);
  const out: { [key: string]: JsonValue } = {
    expires_on: issued.expiresOn.toISOString(),
    token: issued.token,
  };
  if (userId !== undefined) out.user_id = userId;
  return out;
}
