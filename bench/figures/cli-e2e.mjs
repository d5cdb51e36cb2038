// CLI end to end: `acs-identity token issue --scope chat` against a running emulator, against bare `node -e 0`.
// The CLI finds the emulator through .acs-identity/emulator.json in its working folder, as a user's would.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { figure, isBuilt, median, notMeasured, repoRoot, timeCommand } from '../lib.mjs';
import { startBenchEmulator } from '../support/processes.mjs';

const bin = join(repoRoot, 'packages', 'cli', 'bin', 'acs-identity.js');

export async function run({ smoke }) {
  const target = '≤ 8 × node -e 0';
  if (!isBuilt('cli') || !isBuilt('emulator') || !existsSync(bin)) {
    return [notMeasured('cli-e2e', 'CLI end to end: token issue', target, 'cli or emulator not built')];
  }
  const workdir = mkdtempSync(join(tmpdir(), 'acs-bench-cli-'));
  const emulator = await startBenchEmulator({ dataDir: join(workdir, '.acs-identity') });
  try {
    const runs = smoke ? 2 : 10;
    const env = { ...process.env, NO_COLOR: '1' };
    delete env.AZURE_COMMUNICATION_CONNECTION_STRING;
    delete env.AZURE_COMMUNICATION_ENDPOINT;
    const base = median(timeCommand(process.execPath, ['-e', '0'], { runs, env, cwd: workdir }));
    const issue = median(
      timeCommand(process.execPath, [bin, 'token', 'issue', '--scope', 'chat', '--only-show-errors'], {
        runs,
        env,
        cwd: workdir,
      }),
    );
    return [
      figure({
        id: 'cli-e2e',
        title: 'CLI end to end: acs-identity token issue --scope chat (median)',
        value: issue,
        unit: 'ms',
        baseline: base,
        target,
        met: issue / base <= 8,
      }),
    ];
  } finally {
    await emulator.stop();
    rmSync(workdir, { recursive: true, force: true });
  }
}
