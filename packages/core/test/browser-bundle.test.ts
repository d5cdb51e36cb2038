import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ENTRY = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Records every import esbuild sees that names a Node built-in (or any `node:` specifier) and refuses it. */
function forbidNodeBuiltins(seen: string[]): Plugin {
  return {
    name: 'forbid-node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.path.startsWith('node:') || NODE_BUILTINS.has(args.path)) {
          seen.push(`${args.path} (imported by ${args.importer})`);
          return { path: args.path, external: true };
        }
        return undefined;
      });
    },
  };
}

async function bundle(contents: string) {
  const seen: string[] = [];
  const result = await build({
    stdin: {
      contents,
      resolveDir: fileURLToPath(new URL('../src/', import.meta.url)),
      sourcefile: 'entry.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [forbidNodeBuiltins(seen)],
  });
  const code = result.outputFiles[0]?.text ?? '';
  return { seen, code, inputs: Object.keys(result.metafile.inputs), gzipBytes: gzipSync(code).length };
}

describe('the isomorphic entry', () => {
  it('bundles for the browser with no Node built-ins', async () => {
    const { seen, inputs, code } = await bundle(`export * from ${JSON.stringify(ENTRY)};`);
    expect(seen).toEqual([]);
    expect(inputs.every((input) => input.includes('src/') || input === 'entry.ts')).toBe(true);
    expect(code).not.toMatch(/\brequire\(|process\.|Buffer\b/);
  });

  it('keeps decodeAccessToken with the error class under 1.5 KB gzipped', async () => {
    const { seen, gzipBytes } = await bundle(
      `export { decodeAccessToken, AcsIdentityError, isAcsIdentityError } from ${JSON.stringify(ENTRY)};`,
    );
    expect(seen).toEqual([]);
    expect(gzipBytes).toBeLessThan(1536);
  });

  it('would notice a Node built-in if one crept in', async () => {
    const { seen } = await bundle(`import { createHash } from 'node:crypto'; export const h = createHash;`);
    expect(seen).toEqual([expect.stringContaining('node:crypto')]);
  });
});
