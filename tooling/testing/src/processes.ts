import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';

/** A Node.js script running as a child process, started by {@link spawnNodeScript}. */
export interface NodeChild<T> {
  child: ChildProcess;
  /** What `ready` returned once the child was ready, e.g. the URL it listens on. */
  ready: T;
  /** Everything the child wrote to stdout and stderr so far. */
  output(): string;
  /** What the child wrote to stderr so far. */
  stderr(): string;
  /** Sends `signal` unless the child already exited; resolves with its exit code, or the signal that ended it. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

export interface SpawnNodeScriptOptions<T> {
  /** What the script is, for error messages: `emulator`, `gateway`. */
  name: string;
  /** Looks at the output so far after each chunk on stdout; anything but `undefined` means the child is ready. */
  ready(output: string): T | undefined;
  /** The child's environment. @default the parent's */
  env?: NodeJS.ProcessEnv;
  /** Called with the whole output when the child exits, before {@link NodeChild.stop} resolves. */
  onExit?(output: string): void;
  /** How long the child may take to become ready. @default 20000 */
  readyTimeoutMs?: number;
}

/**
 * Runs a built script (`dist/main.js`) with this Node.js, keeping what it writes; resolves once `ready` sees it ready,
 * rejects when it exits or takes too long first.
 */
export async function spawnNodeScript<T>(
  script: string,
  args: readonly string[],
  options: SpawnNodeScriptOptions<T>,
): Promise<NodeChild<T>> {
  if (!existsSync(script))
    throw new Error(`${script} is missing: run npm run build in ${dirname(dirname(script))} first.`);
  const timeoutMs = options.readyTimeoutMs ?? 20_000;
  const child = spawn(process.execPath, [script, ...args], {
    ...(options.env === undefined ? {} : { env: options.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
    err += c.toString();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      options.onExit?.(out);
      resolve(code ?? signal ?? -1);
    });
  });
  const ready = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${options.name} was not ready in ${timeoutMs / 1000} s: ${out}`)),
      timeoutMs,
    );
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const value = options.ready(out);
      if (value !== undefined) {
        clearTimeout(timer);
        resolve(value);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with ${code} before it was ready: ${out}`));
    });
  });
  return {
    child,
    ready,
    output: () => out,
    stderr: () => err,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
