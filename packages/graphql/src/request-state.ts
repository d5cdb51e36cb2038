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
  /** Who made it (`admin#1`, `dev:alice`, `<issuer>#<subject>`), once authenticated. */
  callerId?: string;
}

const states = new WeakMap<Request, RequestState>();
const PLAIN_REQUEST_ID = /^[\w.:-]{1,100}$/;

/** Starts the state of `request` (the first plugin does this for every request, with yoga's parsed `url`). */
export function beginRequest(request: Request, url: URL = new URL(request.url)): RequestState {
  const given = request.headers.get('x-request-id');
  const state: RequestState = {
    requestId: given !== null && PLAIN_REQUEST_ID.test(given) ? given : randomUUID(),
    startedAt: performance.now(),
    route: routeOf(url.pathname),
  };
  states.set(request, state);
  return state;
}

/** The state of `request`, begun when it arrived (or now, for a request that bypassed the first plugin). */
export function requestState(request: Request): RequestState {
  return states.get(request) ?? beginRequest(request);
}
