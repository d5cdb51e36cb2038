// Shared helpers for the benchmark figures: timing child processes, quantiles, and the result shape.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Returns the q-quantile (0..1) of numbers, by linear interpolation. */
export function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export const median = (values) => quantile(values, 0.5);

/** Wall time in milliseconds of each of `runs` executions of a command (after `warmup` unmeasured runs). */
export function timeCommand(
  command,
  args,
  { runs = 10, warmup = 2, env = process.env, cwd = repoRoot } = {},
) {
  const times = [];
  for (let i = 0; i < warmup + runs; i += 1) {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) {
      throw new Error(
        `${command} ${args.join(' ')} exited ${result.status}: ${result.stderr.toString().slice(0, 300)}`,
      );
    }
    if (i >= warmup) times.push(ms);
  }
  return times;
}

/** True when a workspace package has been built. */
export function isBuilt(pkg) {
  return existsSync(join(repoRoot, 'packages', pkg, 'dist', 'index.js'));
}

/**
 * One figure of the table.
 * `ratio` is value / baseline; `met` compares the ratio with the target (null when not measured).
 */
export function figure({ id, title, value, unit, baseline, baselineUnit, ratio, target, met, note }) {
  return {
    id,
    title,
    value,
    unit,
    baseline,
    baselineUnit: baselineUnit ?? unit,
    ratio: ratio ?? (typeof value === 'number' && typeof baseline === 'number' ? value / baseline : null),
    target,
    met: met ?? null,
    note: note ?? '',
  };
}

/** A figure that could not be measured in this run, with the reason. */
export function notMeasured(id, title, target, why) {
  return figure({
    id,
    title,
    value: null,
    unit: '',
    baseline: null,
    ratio: null,
    target,
    met: null,
    note: why,
  });
}
