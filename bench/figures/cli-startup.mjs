// CLI cold start: `acs-identity --help` and `acs-identity identifier parse <id>` against bare `node -e 0`, plus the same
// parse with an option (`-o tsv`), which goes through yargs rather than the option-free path.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { figure, median, notMeasured, repoRoot, timeCommand } from '../lib.mjs';

const bin = join(repoRoot, 'packages', 'cli', 'bin', 'acs-identity.js');
const sampleId = '8:acs:bbbcbc1e-9f06-482a-b5d8-20e3f26ef0cd_45ab2481-1c1c-4005-be24-0ffb879b1130';

export async function run({ smoke }) {
  const runs = smoke ? 3 : 15;
  const target = '≤ 3 × node -e 0';
  if (!existsSync(join(repoRoot, 'packages', 'cli', 'dist', 'main.js')) || !existsSync(bin)) {
    return [
      notMeasured('cli-help', 'CLI cold start: --help', target, 'packages/cli is not built'),
      notMeasured('cli-parse', 'CLI cold start: identifier parse', target, 'packages/cli is not built'),
      notMeasured(
        'cli-parse-yargs',
        'CLI cold start: identifier parse -o tsv',
        target,
        'packages/cli is not built',
      ),
    ];
  }
  const env = { ...process.env, NO_COLOR: '1' };
  const base = median(timeCommand(process.execPath, ['-e', '0'], { runs, env }));
  const help = median(timeCommand(process.execPath, [bin, '--help'], { runs, env }));
  const parse = median(timeCommand(process.execPath, [bin, 'identifier', 'parse', sampleId], { runs, env }));
  const parseYargs = median(
    timeCommand(process.execPath, [bin, 'identifier', 'parse', sampleId, '-o', 'tsv'], { runs, env }),
  );
  return [
    figure({
      id: 'cli-help',
      title: 'CLI cold start: acs-identity --help (median)',
      value: help,
      unit: 'ms',
      baseline: base,
      target,
      met: help / base <= 3,
    }),
    figure({
      id: 'cli-parse',
      title: 'CLI cold start: acs-identity identifier parse (median)',
      value: parse,
      unit: 'ms',
      baseline: base,
      target,
      met: parse / base <= 3,
    }),
    figure({
      id: 'cli-parse-yargs',
      title: 'CLI cold start: acs-identity identifier parse -o tsv, through yargs (median)',
      value: parseYargs,
      unit: 'ms',
      baseline: base,
      target,
      met: parseYargs / base <= 3,
    }),
  ];
}
