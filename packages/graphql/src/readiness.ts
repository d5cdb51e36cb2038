import type { BackendHandle } from './backend.js';
import { probeEndpoint } from './backend.js';
import { jsonResponse, ruleOf, toGatewayError } from './errors.js';
import { redactText } from './logger.js';
import type { MappingStore } from './store.js';

/** What `/readyz` checks. */
export interface ReadinessParts {
  store: MappingStore;
  backend: BackendHandle;
  /** True once shutdown began. */
  draining: () => boolean;
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

/**
 * The check of yoga's `useReadinessCheck` for `/readyz`: the store answers a query, the identity service answers HTTP,
 * and shutdown has not begun. 200 `{"status":"ready","checks":{...}}`, else 503 with the failing checks.
 */
export function readinessCheck(parts: ReadinessParts): () => Promise<Response> {
  return async () => {
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
    return jsonResponse({ status: ready ? 'ready' : 'unavailable', checks }, ready ? 200 : 503);
  };
}
