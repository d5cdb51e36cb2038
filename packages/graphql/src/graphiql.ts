import type { GraphiQLOptions } from 'graphql-yoga';

const pages = new Map<string, Promise<string>>();

/**
 * GraphiQL served whole from the gateway: `@graphql-yoga/render-graphiql` inlines GraphiQL's script, styles, fonts and
 * editor workers into the page, so `/graphql` works with no network beyond the gateway (yoga's default loads them from
 * a CDN). The 9 MB module is loaded on the first page view only, and each page rendered once.
 */
export function renderOfflineGraphiQL(options?: GraphiQLOptions): Promise<string> {
  const key = JSON.stringify(options ?? {});
  let page = pages.get(key);
  if (page === undefined) {
    page = import('@graphql-yoga/render-graphiql').then(({ renderGraphiQL }) => renderGraphiQL(options));
    pages.set(key, page);
  }
  return page;
}
