/**
 * The per-resource budgets of a cluster on SQLite, counted by its primary so that they hold across the workers, as the
 * service's do: a worker sends each rate-limited request's operation to the primary over the cluster's IPC channel and
 * answers as the primary decides (one round trip between two processes of the machine; `npm run bench` measures it).
 * A worker whose primary does not answer within a second (or is gone) decides alone, with its own budget.
 */
import type { Worker } from 'node:cluster';
import {
  MemoryRateLimiter,
  type NormalizedRateLimits,
  type RateDecision,
  type RateLimitedOperation,
  type RateLimiter,
} from './rate-limit.js';

/** A worker asks its primary for one unit of a budget. */
export interface RateTakeMessage {
  type: 'rate-take';
  id: number;
  resourceId: string;
  operation: RateLimitedOperation;
}

/** The primary's decision. */
export interface RateDecisionMessage {
  type: 'rate-decision';
  id: number;
  decision: RateDecision;
}

export type RateLimitMessage = RateTakeMessage | RateDecisionMessage;

/** How long a worker waits for its primary's decision before deciding alone. */
const ANSWER_WITHIN_MS = 1000;

function isMessage<T extends RateLimitMessage>(value: unknown, type: T['type']): value is T {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === type;
}

/**
 * The worker's side: a limiter that asks the primary through `channel` (the worker's `process`). `config` and `now`
 * serve the fallback only.
 */
export function askingPrimary(
  config: NormalizedRateLimits,
  now: () => number,
  channel: NodeJS.Process = process,
): RateLimiter {
  const alone = new MemoryRateLimiter(config, now);
  const waiting = new Map<number, (decision: RateDecision) => void>();
  let next = 0;
  const onMessage = (message: unknown) => {
    if (!isMessage<RateDecisionMessage>(message, 'rate-decision')) return;
    const answer = waiting.get(message.id);
    waiting.delete(message.id);
    answer?.(message.decision);
  };
  channel.on('message', onMessage);
  return {
    windowMs: config.windowMs,
    take(resourceId, operation) {
      if (!channel.connected || !channel.send) return alone.take(resourceId, operation);
      const id = next++;
      return new Promise<RateDecision>((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          resolve(alone.take(resourceId, operation));
        }, ANSWER_WITHIN_MS);
        waiting.set(id, (decision) => {
          clearTimeout(timer);
          resolve(decision);
        });
        channel.send?.({ type: 'rate-take', id, resourceId, operation } satisfies RateTakeMessage);
      });
    },
    close() {
      channel.off('message', onMessage);
      return Promise.resolve();
    },
  };
}

/** The primary's side: answers a worker's requests for units from the one budget of the whole cluster. */
export function answerWorker(worker: Worker, limiter: MemoryRateLimiter): void {
  worker.on('message', (message: unknown) => {
    if (!isMessage<RateTakeMessage>(message, 'rate-take')) return;
    const decision = limiter.take(message.resourceId, message.operation);
    if (worker.isConnected()) {
      worker.send({ type: 'rate-decision', id: message.id, decision } satisfies RateDecisionMessage);
    }
  });
}
