import { randomUUID } from 'node:crypto';
import { routeOf } from './metrics.js';

/** What the gateway's plugins share about one HTTP request. */
export interface RequestState {
  /** The caller's `x-request-id` when it is a plain token of up to 100 characters, else a new UUID. */
  readonly requestId: string;
  /** `performance.now()` when the request arrived. */
  readonly startedAt: number;
  /** The path as a metrics and log label: one of the gateway's routes, or `other`. */
  readonly route: string;
  /** The client's address: the socket's peer, or the one the trusted proxies name in `X-Forwarded-For`. */
  readonly client: string;
  /** Who made it (`admin#1`, `dev:alice`, `<issuer>#<subject>`), once authenticated. */
  callerId?: string;
}

/** The client address when none is known (a request handed to `yoga.fetch` in-process). */
const IN_PROCESS = 'in-process';

/**
 * The client's address: with `trustProxyHops` proxies in front (each appending its peer to `X-Forwarded-For`), the
 * address the outermost trusted proxy saw; with none, the socket's peer. Addresses the client wrote itself (further left
 * in the header) are never trusted.
 */
export function clientAddress(request: Request, peer: string | undefined, trustProxyHops: number): string {
  const socket = peer ?? IN_PROCESS;
  if (trustProxyHops <= 0) return socket;
  const forwarded = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const chain = [...forwarded, socket];
  return chain[Math.max(0, chain.length - 1 - trustProxyHops)] ?? socket;
}

const states = new WeakMap<Request, RequestState>();
const PLAIN_REQUEST_ID = /^[\w.:-]{1,100}$/;

/**
 * Starts the state of `request` (the first plugin does this for every request, with yoga's parsed `url` and the
 * client's address).
 */
export function beginRequest(
  request: Request,
  url: URL = new URL(request.url),
  client: string = IN_PROCESS,
): RequestState {
  const given = request.headers.get('x-request-id');
  const state: RequestState = {
    requestId: given !== null && PLAIN_REQUEST_ID.test(given) ? given : randomUUID(),
    startedAt: performance.now(),
    route: routeOf(url.pathname),
    client,
  };
  states.set(request, state);
  return state;
}

/** The state of `request`, begun when it arrived (or now, for a request that bypassed the first plugin). */
export function requestState(request: Request): RequestState {
  return states.get(request) ?? beginRequest(request);
}
