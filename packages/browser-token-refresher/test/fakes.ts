/**
 * Test doubles for what the refresher takes from the browser: a token source, a page (window + document), Web Locks
 * and BroadcastChannel. Time is vitest's fake clock; every fake delivers asynchronously, as browsers do.
 */
import { vi } from 'vitest';
import type {
  BroadcastChannelLike,
  LockManagerLike,
  TokenRefresherEnvironment,
  TokenResponse,
} from '../src/index.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** Lets promise callbacks and microtask deliveries run, without moving the fake clock. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

export interface FakeSource {
  fetchToken: ReturnType<typeof vi.fn<(o: { signal: AbortSignal }) => Promise<TokenResponse>>>;
  /** Token lifetime handed out. */
  lifetime: number;
  /** How far the server clock is ahead of the local one; `undefined` sends no serverTime. */
  serverAhead: number | undefined;
  /** When set, requests fail with this error. */
  failWith: unknown;
  /** When true, requests wait until `release()` or `fail()`. */
  manual: boolean;
  release(): void;
  fail(e: unknown): void;
  /** Signals of every request. */
  signals: AbortSignal[];
}

export function fakeSource(): FakeSource {
  let pending: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  const s: FakeSource = {
    lifetime: HOUR,
    serverAhead: undefined,
    failWith: undefined,
    manual: false,
    signals: [],
    release() {
      const p = pending;
      pending = [];
      for (const x of p) x.resolve();
    },
    fail(e) {
      const p = pending;
      pending = [];
      for (const x of p) x.reject(e);
    },
    fetchToken: vi.fn(async ({ signal }: { signal: AbortSignal }) => {
      s.signals.push(signal);
      const n = s.fetchToken.mock.calls.length;
      if (s.manual) await new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
      if (s.failWith) throw s.failWith;
      const server = Date.now() + (s.serverAhead ?? 0);
      return {
        token: `token-${n}`,
        expiresOn: server + s.lifetime,
        ...(s.serverAhead === undefined ? {} : { serverTime: new Date(server) }),
      };
    }),
  };
  return s;
}

export interface FakePage {
  window: EventTarget;
  document: EventTarget & { visibilityState: string };
}

export function fakePage(): FakePage {
  const document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  return { window: new EventTarget(), document };
}

/** BroadcastChannels of one origin: messages reach every other open channel of the same name, a microtask later. */
export function fakeBroadcastChannels(): {
  BroadcastChannel: new (name: string) => BroadcastChannelLike;
  posted: { name: string; message: { t: string } }[];
} {
  const open = new Set<{ name: string; ch: BroadcastChannelLike }>();
  const posted: { name: string; message: { t: string } }[] = [];
  class FakeChannel implements BroadcastChannelLike {
    onmessage: ((event: { data: unknown }) => void) | null = null;
    readonly entry: { name: string; ch: BroadcastChannelLike };
    constructor(name: string) {
      this.entry = { name, ch: this };
      open.add(this.entry);
    }
    postMessage(message: unknown): void {
      if (!open.has(this.entry)) throw new Error('InvalidStateError: channel is closed');
      posted.push({ name: this.entry.name, message: message as { t: string } });
      const data = structuredClone(message);
      for (const other of open) {
        if (other !== this.entry && other.name === this.entry.name) {
          queueMicrotask(() => open.has(other) && other.ch.onmessage?.({ data }));
        }
      }
    }
    close(): void {
      open.delete(this.entry);
    }
  }
  return { BroadcastChannel: FakeChannel, posted };
}

/** Exclusive Web Locks: one holder per name, waiters granted in order; an aborted waiter rejects with AbortError. */
export function fakeLocks(): LockManagerLike {
  const held = new Set<string>();
  const queues = new Map<string, (() => void)[]>();
  return {
    request(name, { signal }, callback) {
      return new Promise((resolve, reject) => {
        const grant = () => {
          held.add(name);
          callback().then(
            () => {
              held.delete(name);
              resolve(undefined);
              queues.get(name)?.shift()?.();
            },
            (e) => reject(e),
          );
        };
        if (!held.has(name)) {
          held.add(name);
          queueMicrotask(grant);
          return;
        }
        const queue = queues.get(name) ?? [];
        queues.set(name, queue);
        queue.push(grant);
        signal.addEventListener('abort', () => {
          const i = queue.indexOf(grant);
          if (i >= 0) queue.splice(i, 1);
          reject(new DOMException('aborted', 'AbortError'));
        });
      });
    },
  };
}

/** An environment on vitest's fake clock; `random` is fixed unless given. */
export function fakeEnvironment(
  page: FakePage,
  overrides: Partial<TokenRefresherEnvironment> = {},
): Partial<TokenRefresherEnvironment> {
  return {
    now: () => Date.now(),
    setTimeout: (f, ms) => setTimeout(f, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    random: () => 0.5,
    window: page.window,
    document: page.document,
    locks: undefined,
    BroadcastChannel: undefined,
    ...overrides,
  };
}
