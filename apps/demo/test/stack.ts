import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Runs scripts/start.mjs (what `npm start` runs) for the tests, on free ports with the given data folder. */

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const START_SCRIPT = join(ROOT, 'scripts/start.mjs');

export interface Stack {
  process: ChildProcessWithoutNullStreams;
  output: () => string;
  demoUrl: string;
}

/** Starts scripts/start.mjs with free ports and a fresh data folder; resolves once it printed its block. */
export async function startStack(dataDir: string): Promise<Stack> {
  const child = spawn(
    process.execPath,
    [
      START_SCRIPT,
      '--no-build',
      '--data-dir',
      dataDir,
      '--emulator-port',
      '0',
      '--gateway-port',
      '0',
      '--demo-port',
      '0',
    ],
    { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const demoUrl = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const match = /Ctrl-C stops it\.[\s\S]*?Demo\s+(http:\/\/\S+)/.exec(out);
      if (match?.[1] !== undefined) {
        child.stdout.off('data', onData);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited early (${code}):\n${out}`)));
  });
  return { process: child, output: () => out, demoUrl };
}

export async function stopStack(stack: Stack): Promise<number | null> {
  if (stack.process.exitCode !== null) return stack.process.exitCode;
  const exited = new Promise<number | null>((resolve) => stack.process.once('exit', (code) => resolve(code)));
  stack.process.kill('SIGINT');
  return exited;
}
