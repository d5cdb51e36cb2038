import { type AuthFailureBudget, authenticateWithin } from './auth-failures.js';
import type { Authenticator } from './authenticate.js';
import type { BackendHandle } from './backend.js';
import { probeEndpoint } from './backend.js';
import { jsonResponse, ruleOf, toGatewayError } from './errors.js';
import type { Logger } from './logger.js';
import { redactText } from './logger.js';
import { requestState } from './request-state.js';
import type { MappingStore } from './store.js';

/** What `/readyz` checks, and who may see why. */
export interface ReadinessParts {
  store: MappingStore;
  backend: BackendHandle;
  /** True once shutdown began. */
  draining: () => boolean;
  /** Tells administrators (who see the checks) from everyone else (who see up or down). */
  authenticator: Authenticator;
  /** A credential presented to `/readyz` counts against the same failure budget as on `/graphql`. */
  authFailures?: AuthFailureBudget;
  /** Where a change of readiness is logged, with the checks. */
  logger: Logger;
  /**
   * How long the back end may take to answer.
   * @default 2000
   */
  timeoutMs?: number;
}

/** Why a check failed, without secrets: the message of what went wrong (masked codes show the cause's own text). */
function unavailable(e: unknown): string {
  const error = toGatewayError(e);
  return redactText(`unavailable: ${ruleOf(error.code).masked ? (e as Error).message : error.message}`);
}

/** The checks: the store answers a query, the identity service answers HTTP, shutdown has not begun. */
async function runChecks(parts: ReadinessParts): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const checks: Record<string, string> = {};
  let ready = !parts.draining();
  if (!ready) checks.shutdown = 'draining';
  try {
    await parts.store.ping();
    checks.store = 'ok';
  } catch (e) {
    ready = false;
    checks.store = redactText(`unavailable: ${(e as Error).message}`);
  }
  try {
    const { backend, caCertFile } = await parts.backend.get();
    await probeEndpoint(backend.endpoint, caCertFile, parts.timeoutMs ?? 2000);
    checks.backend = 'ok';
  } catch (e) {
    ready = false;
    checks.backend = unavailable(e);
  }
  return { ready, checks };
}

/** Whether the request carries an admin key (a failed credential counts against the client's budget). */
async function fromAdministrator(parts: ReadinessParts, request: Request): Promise<boolean> {
  const authorization = request.headers.get('authorization');
  if (authorization === null) return false;
  try {
    const caller = await authenticateWithin(
      parts.authenticator,
      parts.authFailures,
      authorization,
      requestState(request).client,
    );
    return caller?.role === 'admin';
  } catch {
    return false;
  }
}

/**
 * The check of yoga's `useReadinessCheck` for `/readyz`: 200 `{"status":"ready"}`, else 503 `{"status":"unavailable"}`.
 * Only administrators (`Authorization: Bearer <admin key>`) also get `checks`, which say what failed (a host name, a
 * DNS error); everyone else learns up or down. Each change of readiness is logged once, with the checks.
 */
export function readinessCheck(parts: ReadinessParts): (payload: { request: Request }) => Promise<Response> {
  let wasReady = true;
  return async ({ request }) => {
    const [{ ready, checks }, admin] = await Promise.all([
      runChecks(parts),
      fromAdministrator(parts, request),
    ]);
    if (ready !== wasReady) {
      wasReady = ready;
      if (ready) parts.logger.info('ready again', { checks });
      else parts.logger.warn('not ready', { checks });
    }
    const status = ready ? 'ready' : 'unavailable';
    return jsonResponse(admin ? { status, checks } : { status }, ready ? 200 : 503, {
      'cache-control': 'no-store',
    });
  };
}
