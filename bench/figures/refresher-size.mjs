// Refresher size: built ESM, minified + gzipped, against the SDK's AzureCommunicationTokenCredential bundled the same way.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { figure, isBuilt, notMeasured, repoRoot } from '../lib.mjs';

async function sdkCredentialGzipBytes() {
  const result = await build({
    stdin: {
      contents: "export { AzureCommunicationTokenCredential } from '@azure/communication-common';",
      resolveDir: join(repoRoot, 'bench'),
      loader: 'js',
    },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return gzipSync(result.outputFiles[0].contents, { level: 9 }).length;
}

export async function run() {
  const target = '≤ 4 KB and ≤ 0.22 ×';
  if (!isBuilt('browser-token-refresher')) {
    return [
      notMeasured(
        'refresher-size',
        'Refresher size (min+gz)',
        target,
        'packages/browser-token-refresher is not built',
      ),
    ];
  }
  const ours = gzipSync(
    readFileSync(join(repoRoot, 'packages', 'browser-token-refresher', 'dist', 'index.js')),
    {
      level: 9,
    },
  ).length;
  const sdk = await sdkCredentialGzipBytes();
  return [
    figure({
      id: 'refresher-size',
      title: 'Refresher size: built ESM, minified + gzipped',
      value: ours,
      unit: 'bytes',
      baseline: sdk,
      baselineUnit: 'bytes (AzureCommunicationTokenCredential, esbuild browser bundle, min+gz)',
      target,
      met: ours <= 4096 && ours / sdk <= 0.22,
    }),
  ];
}
