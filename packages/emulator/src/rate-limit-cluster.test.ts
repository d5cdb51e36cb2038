import type { Worker } from 'node:cluster';
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { normalizeOptions } from './options.js';
import { MemoryRateLimiter, type NormalizedRateLimits } from './rate-limit.js';
import { answerWorker, askingPrimary } from './rate-limit-cluster.js';

const config = normalizeOptions({ rateLimits: { issue: 3 } }).rateLimits as NormalizedRateLimits;
const at = 1_200_000_005_000;

/** A worker's `process` and the primary's `Worker` for it, joined like node:cluster's IPC channel joins them. */
function channelPair(connected = true) {
  const workerSide = Object.assign(new EventEmitter(), { connected, send: undefined as unknown });
  const primarySide = Object.assign(new EventEmitter(), {
    isConnected: () => connected,
    send: (message: unknown) => queueMicrotask(() => workerSide.emit('message', message)),
  });
  workerSide.send = (message: unknown) => {
    queueMicrotask(() => primarySide.emit('message', message));
    return true;
  };
  return { process: workerSide as unknown as NodeJS.Process, worker: primarySide as unknown as Worker };
}

describe('rate limits counted by the cluster primary', () => {
  it('hold one budget across the workers that ask the primary', async () => {
    const primary = new MemoryRateLimiter(config, () => at);
    const [one, two] = [channelPair(), channelPair()];
    answerWorker(one.worker, primary);
    answerWorker(two.worker, primary);
    const first = askingPrimary(config, () => at, one.process);
    const second = askingPrimary(config, () => at, two.process);
    const decisions = await Promise.all([
      first.take('r', 'issue'),
      second.take('r', 'issue'),
      first.take('r', 'issue'),
      second.take('r', 'issue'),
      first.take('r', 'create'),
    ]);
    expect(decisions).toEqual([
      { allowed: true },
      { allowed: true },
      { allowed: true },
      { allowed: false, retryAfterMs: 25_000, limit: 3 },
      { allowed: true },
    ]);
  });

  it('decide alone, with their own budget, when the primary is gone', async () => {
    const gone = askingPrimary(config, () => at, channelPair(false).process);
    const decisions = [];
    for (let i = 0; i < 4; i += 1) decisions.push(await gone.take('r', 'issue'));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
  });

  it('decide alone when the primary does not answer within a second', async () => {
    vi.useFakeTimers();
    try {
      const silent = askingPrimary(config, () => at, channelPair().process); // nobody answers on the primary's side
      const pending = silent.take('r', 'issue');
      await vi.advanceTimersByTimeAsync(999);
      let settled = false;
      void Promise.resolve(pending).then(() => {
        settled = true;
      });
      await Promise.resolve();
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await pending).toEqual({ allowed: true });
    } finally {
      vi.useRealTimers();
    }
  });
});
