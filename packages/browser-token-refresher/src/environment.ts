/** What the refresher takes from the browser, as small interfaces each test or worker can replace. */

/** Minimal event-target shape used for `window`, `document` and abort signals. */
export interface EventTargetLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/** The subset of the Web Locks API used for leader election. */
export interface LockManagerLike {
  request(name: string, options: { signal: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
}

/** The subset of `BroadcastChannel` used to share tokens between tabs. */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

/** The subset of a `fetch` `Response` that is read. */
export interface ResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  json(): Promise<unknown>;
}

/** Everything the refresher takes from its surroundings; each part can be replaced, e.g. by tests. */
export interface TokenRefresherEnvironment {
  /** Wall clock in milliseconds. @default Date.now */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** A number in [0, 1) for jitter. @default Math.random */
  random(): number;
  fetch(
    url: string,
    init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal },
  ): Promise<ResponseLike>;
  /** Receives `focus`, `online`, `pageshow` and `pagehide`. @default globalThis when it is an event target */
  window: EventTargetLike | undefined;
  /** Receives `visibilitychange`. @default globalThis.document */
  document: (EventTargetLike & { readonly visibilityState: string }) | undefined;
  /** Web Locks for leader election; `undefined` falls back to BroadcastChannel messages. @default navigator.locks */
  locks: LockManagerLike | undefined;
  /** `undefined` turns tab sharing off. @default globalThis.BroadcastChannel */
  BroadcastChannel: (new (name: string) => BroadcastChannelLike) | undefined;
}

/** The browser's own environment, with the parts given in `overrides` replaced. */
export function browserEnvironment(
  overrides?: Partial<TokenRefresherEnvironment>,
): TokenRefresherEnvironment {
  const g = globalThis as unknown as {
    document?: TokenRefresherEnvironment['document'];
    navigator?: { locks?: LockManagerLike };
    BroadcastChannel?: TokenRefresherEnvironment['BroadcastChannel'];
    addEventListener?: unknown;
  };
  return {
    now: Date.now,
    setTimeout: (f, t) => setTimeout(f, t),
    clearTimeout: (h) => clearTimeout(h as number),
    random: Math.random,
    fetch: (u, i) => fetch(u, i),
    window: typeof g.addEventListener === 'function' ? (g as EventTargetLike) : undefined,
    document: g.document,
    locks: g.navigator?.locks,
    BroadcastChannel: g.BroadcastChannel,
    ...overrides,
  };
}
