/** The built file stays small: at most 4 KB minified and gzipped, and at most 0.22 × the SDK's credential. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const bundle = fileURLToPath(new URL('../dist/index.js', import.meta.url));

async function sdkCredentialGzipBytes(): Promise<number> {
  const result = await build({
    stdin: {
      contents: "export { AzureCommunicationTokenCredential } from '@azure/communication-common';",
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      loader: 'js',
    },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return gzipSync(result.outputFiles[0]?.contents ?? new Uint8Array(), { level: 9 }).length;
}

describe('dist/index.js', () => {
  it('exists (run `npm run build` first)', () => {
    expect(existsSync(bundle)).toBe(true);
  });

  it('is at most 4096 bytes minified and gzipped, and at most 0.22 × AzureCommunicationTokenCredential', async () => {
    const ours = gzipSync(readFileSync(bundle), { level: 9 }).length;
    const sdk = await sdkCredentialGzipBytes();
    console.info(
      `dist/index.js: ${ours} bytes min+gz; AzureCommunicationTokenCredential: ${sdk} bytes (${(ours / sdk).toFixed(3)} ×)`,
    );
    expect(ours).toBeLessThanOrEqual(4096);
    expect(ours / sdk).toBeLessThanOrEqual(0.22);
  });

  it('imports nothing at run time (zero dependencies)', () => {
    const code = readFileSync(bundle, 'utf8');
    expect(code).not.toMatch(/\bimport\s*[^(]|\brequire\(/);
  });
});
