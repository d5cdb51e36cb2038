import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Reports a system part a suite needs but cannot find. In CI (`CI` set) a missing part is a failure: the suites that
 * need it must run there. Elsewhere the caller skips, and this says so loudly, with how to get the part.
 */
export function missingPart(what: string, howToGet: string): undefined {
  const message = `${what} is missing: ${howToGet}`;
  if (process.env.CI) throw new Error(`${message} (CI must provide it; see .ci/run)`);
  console.warn(`\n!!! SKIPPING tests that need ${what}. ${howToGet} !!!\n`);
  return undefined;
}

/** The PostgreSQL URL for tests (`ACS_TEST_DATABASE_URL`), or `undefined` after a loud warning outside CI. */
export function testDatabaseUrl(): string | undefined {
  const url = process.env.ACS_TEST_DATABASE_URL;
  if (url) return url;
  return missingPart(
    'PostgreSQL (ACS_TEST_DATABASE_URL)',
    'Start it and set the variable with: eval "$(bash scripts/test-services.sh)"',
  );
}

/** Debian's Python with `python3-azure` (`PYTHON_AZURE`, default `/usr/bin/python3`), or `undefined` outside CI. */
export function pythonAzure(): string | undefined {
  const python = process.env.PYTHON_AZURE ?? '/usr/bin/python3';
  try {
    execFileSync(python, ['-c', 'import azure.communication.identity'], { stdio: 'ignore' });
    return python;
  } catch {
    return missingPart(
      `Python with azure-communication-identity at ${python}`,
      'apt-get install python3-azure, or set PYTHON_AZURE to a Python that has it.',
    );
  }
}

/** Debian's Chromium (`CHROMIUM_PATH`, default `/usr/bin/chromium`), or `undefined` outside CI. */
export function chromiumPath(): string | undefined {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return path;
  return missingPart(`Chromium at ${path}`, 'apt-get install chromium, or set CHROMIUM_PATH.');
}

/**
 * Flags for headless Chromium on this kind of machine: no sandbox (root), and no background networking, which a
 * closed network refuses many times a second.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launch options for playwright-core's `chromium.launch` with the given executable. */
export function chromiumLaunchOptions(executablePath: string): {
  executablePath: string;
  args: string[];
  headless: true;
} {
  return { executablePath, args: [...CHROMIUM_ARGS], headless: true };
}
