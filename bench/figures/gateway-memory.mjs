// Gateway memory: RSS after a period of load against RSS at idle, and whether it is flat over the last half.
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { figure, isBuilt, notMeasured } from '../lib.mjs';
import { rssBytes, startBenchEmulator, startBenchGateway } from '../support/processes.mjs';
import { createBenchUser } from './emulator-throughput.mjs';
import { loadGatewayIssue } from './gateway-overhead.mjs';

export async function run({ smoke }) {
  const target = '≤ 1.5 × idle, flat';
  if (!isBuilt('emulator') || !isBuilt('graphql')) {
    return [
      notMeasured('gateway-memory', 'Gateway memory under load', target, 'emulator or graphql not built'),
    ];
  }
  const adminKey = randomBytes(24).toString('base64url');
  const emulator = await startBenchEmulator();
  const gateway = await startBenchGateway(emulator.info, adminKey);
  try {
    const userId = await createBenchUser(emulator.info);
    await delay(1000);
    const idle = rssBytes(gateway.pid);
    const seconds = smoke ? 4 : 60;
    const samples = [];
    const sampler = setInterval(() => samples.push(rssBytes(gateway.pid)), 1000);
    // A steady load well under saturation, as a service sees it.
    const load = await loadGatewayIssue(gateway.info, adminKey, userId, {
      durationSeconds: seconds,
      connections: 8,
      rate: 150,
    });
    clearInterval(sampler);
    const end = samples.at(-1) ?? rssBytes(gateway.pid);
    const half = samples.slice(Math.floor(samples.length / 2));
    const lastHalfGrowth = half.length > 1 ? (Math.max(...half) - half[0]) / half[0] : 0;
    const flat = lastHalfGrowth <= 0.05;
    return [
      figure({
        id: 'gateway-memory',
        title: `Gateway RSS after ${seconds} s of load`,
        value: end / 2 ** 20,
        unit: 'MiB',
        baseline: idle / 2 ** 20,
        baselineUnit: 'MiB at idle',
        target,
        met: end / idle <= 1.5 && flat,
        note: `last-half growth ${(lastHalfGrowth * 100).toFixed(1)}%, ${load.requests.total} requests, ${load.errors + load.non2xx} errors`,
      }),
    ];
  } finally {
    await gateway.stop();
    await emulator.stop();
  }
}
