import { isAbsolute, relative, resolve } from 'node:path';
import type { Stack } from './stack.js';

/** The block `npm start` prints once the stack runs: where everything is and how to trust the local CA. */

function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** How each kind of client trusts the emulator's CA: the absolute path, in the form each one reads. */
export function trustLines(caCertFile: string, endpoint: string): [string, string][] {
  const ca = resolve(caCertFile);
  return [
    ['CA certificate', ca],
    ['Trust it (Node.js)', `export NODE_EXTRA_CA_CERTS=${ca}`],
    ['Trust it (Python)', `export REQUESTS_CA_BUNDLE=${ca}   # requests, the Azure SDK`],
    ['', `export SSL_CERT_FILE=${ca}        # aiohttp, the Azure SDK's async client`],
    ['Trust it (curl)', `curl --cacert ${ca} ${endpoint}`],
  ];
}

export function banner(stack: Stack, dataDir: string, cwd: string = process.cwd()): string {
  const lines = ['', 'acs-identity local stack is running. Ctrl-C stops it.', ''];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(19)} ${value}`);
  if (stack.demo) row('Demo', stack.demo.url);
  if (stack.gateway) row('Gateway (GraphQL)', `${stack.gateway.url}graphql   development mode`);
  const emulator = stack.emulator;
  if (emulator) {
    row('Emulator', emulator.endpoint);
    row('Connection string', emulator.connectionString);
  }
  if (stack.adminKey) row('Admin key (dev)', stack.adminKey);
  if (emulator?.caCertFile)
    for (const [label, value] of trustLines(emulator.caCertFile, emulator.endpoint)) row(label, value);
  row(
    'Data and logs',
    `${shown(dataDir, cwd)}/   (kept across restarts: see README.md, "What a restart keeps")`,
  );
  for (const m of stack.missing) row('Not started', m);
  lines.push('');
  return lines.join('\n');
}
