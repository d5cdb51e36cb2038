import { readFile, stat } from 'node:fs/promises';
import type http from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { SECURITY_HEADERS, sendError } from './http.js';

/** The built web app: files with their content type and caching, and `index.html` for the app's own routes. */

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
};

/** The file `pathname` names inside `root`, `index.html` for a path without an extension, or undefined (404). */
async function resolveFile(root: string, pathname: string): Promise<string | undefined> {
  const relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
  const file = join(root, relative);
  if (file !== root && !file.startsWith(root + sep)) return undefined;
  const isFile = await stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
  if (isFile) return file;
  // Paths without an extension are app routes: serve the app. Missing assets are a plain 404.
  return extname(relative) === '' ? join(root, 'index.html') : undefined;
}

export async function serveStatic(
  root: string,
  pathname: string,
  res: http.ServerResponse,
  head: boolean,
): Promise<void> {
  let file: string | undefined;
  try {
    file = await resolveFile(root, pathname);
  } catch {
    sendError(res, 400, 'BAD_PATH', 'The path is not valid URL encoding.');
    return;
  }
  if (file === undefined) {
    sendError(res, 404, 'NOT_FOUND', 'Not found.');
    return;
  }
  const body = await readFile(file);
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': body.length,
    'cache-control': file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...SECURITY_HEADERS,
  });
  res.end(head ? undefined : body);
}
