/**
 * Finds the row of the route table a request names: the path as received (repeated leading slashes count as one),
 * split on `/` (an encoded slash stays inside its segment), literal segments compared as written (any case for ARM rows), `{name}` parameters non-empty and
 * percent-decoded. A path no row has answers 404 `NotFound`; a path whose rows take other methods 405
 * `MethodNotAllowed` with `Allow`.
 */
import type { RouteDefinition } from './context.js';
import { serviceErrors } from './service-errors.js';

type Segment = { readonly literal: string } | { readonly param: string };

interface CompiledRoute {
  readonly route: RouteDefinition;
  readonly segments: readonly Segment[];
}

export interface RouteMatch {
  readonly route: RouteDefinition;
  /** Percent-decoded path parameters. */
  readonly params: Readonly<Record<string, string>>;
}

function compile(route: RouteDefinition): CompiledRoute {
  const segments = route.path
    .split('/')
    .slice(1)
    .map((s): Segment => {
      const param = /^\{(\w+)\}$/.exec(s)?.[1];
      if (param !== undefined) return { param };
      return { literal: route.caseInsensitive ? s.toLowerCase() : s };
    });
  return { route, segments };
}

function decode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** Whether the route's path matches the request's segments (literals, non-empty parameters, their `where` checks). */
function pathMatches(compiled: CompiledRoute, segments: readonly string[]): boolean {
  const { route } = compiled;
  for (let i = 0; i < compiled.segments.length; i += 1) {
    const expected = compiled.segments[i] as Segment;
    const given = segments[i] ?? '';
    if ('literal' in expected) {
      if ((route.caseInsensitive ? given.toLowerCase() : given) !== expected.literal) return false;
    } else {
      if (given === '') return false;
      const check = route.where?.[expected.param];
      if (check) {
        const value = decode(given);
        if (value === undefined || !check(value)) return false;
      }
    }
  }
  return true;
}

/** The route table, compiled once and indexed by segment count. */
export class Router {
  readonly #bySize = new Map<number, CompiledRoute[]>();

  constructor(routes: readonly RouteDefinition[]) {
    for (const route of routes) {
      const compiled = compile(route);
      const list = this.#bySize.get(compiled.segments.length) ?? [];
      list.push(compiled);
      this.#bySize.set(compiled.segments.length, list);
    }
  }

  /** The route and parameters of `method pathname`; throws the 404, 405 or 400 (undecodable parameter) to answer. */
  match(method: string, pathname: string): RouteMatch {
    // An endpoint with a trailing slash plus a route gives `//access/...` (communication-common concatenates them):
    // the service answers it like `/access/...`, and so does the emulator.
    const path = pathname.replace(/^\/{2,}/, '/');
    const segments = path.startsWith('/') ? path.split('/').slice(1) : [];
    const candidates = (this.#bySize.get(segments.length) ?? []).filter((c) => pathMatches(c, segments));
    const chosen = candidates.find((c) => c.route.method === method);
    if (!chosen) {
      if (candidates.length === 0) throw serviceErrors.routeNotFound(method, pathname);
      const allowed = [...new Set(candidates.map((c) => c.route.method))];
      throw serviceErrors.methodNotAllowed(method, pathname, allowed);
    }
    const params: Record<string, string> = {};
    chosen.segments.forEach((segment, i) => {
      if (!('param' in segment)) return;
      const value = decode(segments[i] ?? '');
      if (value === undefined) throw serviceErrors.pathParameterEncoding(segment.param);
      params[segment.param] = value;
    });
    return { route: chosen.route, params };
  }
}
