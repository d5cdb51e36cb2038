import { defineConfig } from 'vitest/config';

/** Options a package may pass to the shared vitest configuration. */
export interface ProjectTestOptions {
  /** Extra glob patterns to include besides `src/**\/*.test.ts` and `test/**\/*.test.ts`. */
  include?: string[];
  /** Per-test timeout in milliseconds. @default 20000 */
  testTimeout?: number;
  /** Files run once before the test files, e.g. to start a server. */
  globalSetup?: string[];
  /** Run test files one after another instead of in parallel workers. @default false */
  serial?: boolean;
}

/** The one vitest configuration every package extends. */
export function defineProjectConfig(options: ProjectTestOptions = {}) {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts', ...(options.include ?? [])],
      testTimeout: options.testTimeout ?? 20_000,
      hookTimeout: 120_000,
      globalSetup: options.globalSetup ?? [],
      fileParallelism: !options.serial,
      // No retries: a flaky test is a bug to fix, not to hide.
      retry: 0,
      allowOnly: false,
      passWithNoTests: false,
      reporters: process.env.CI ? ['default'] : ['default'],
    },
  });
}
