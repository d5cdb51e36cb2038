// Emulator multi-process scaling: token issuance throughput of startEmulatorCluster with one worker per core against
// one emulator process, same load generator and request shape as emulator-throughput (HTTPS, HMAC-signed
// :issueAccessToken, 16 keep-alive connections). The two are measured in alternating rounds so that a noisy neighbour
// weighs on both. CPU time of the servers and of the generator is read too: on a machine where the generator needs
// cores of its own, tokens per server CPU-second say whether the workers would scale given free cores.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { figure, isBuilt, notMeasured, repoRoot } from '../lib.mjs';
import { cpuSeconds, startBenchEmulator, startBenchEmulatorCluster } from '../support/processes.mjs';
import { createBenchUser, loadIssue } from './emulator-throughput.mjs';

const CONNECTIONS = 16;
const sum = (values) => values.reduce((a, b) => a + b, 0);

/** One flat-out load on `server`: throughput, errors, and the CPU cores the server and the generator used. */
async function measure(server, userId, pids, durationSeconds) {
  const serverBefore = sum(pids.map(cpuSeconds));
  const generatorBefore = process.cpuUsage();
  const started = performance.now();
  const result = await loadIssue(server.info, userId, { durationSeconds, connections: CONNECTIONS });
  const seconds = (performance.now() - started) / 1000;
  const serverCpu = sum(pids.map(cpuSeconds)) - serverBefore;
  const generator = process.cpuUsage(generatorBefore);
  return {
    rps: result.requests.average,
    ok: result['2xx'],
    errors: result.errors + result.non2xx,
    serverCpu,
    seconds,
    generatorCpu: (generator.user + generator.system) / 1e6,
  };
}

/** Totals of several rounds: mean throughput, cores used, tokens per server CPU-second. */
function summarize(rounds) {
  const seconds = sum(rounds.map((r) => r.seconds));
  const serverCpu = sum(rounds.map((r) => r.serverCpu));
  return {
    rps: sum(rounds.map((r) => r.rps)) / rounds.length,
    errors: sum(rounds.map((r) => r.errors)),
    serverCores: serverCpu / seconds,
    generatorCores: sum(rounds.map((r) => r.generatorCpu)) / seconds,
    tokensPerCpuSecond: sum(rounds.map((r) => r.ok)) / serverCpu,
  };
}

export async function run({ smoke }) {
  const cores = availableParallelism();
  const targetScaling = `≥ ${(0.8 * cores).toFixed(1)} × 1 process (0.8 × ${cores} cores)`;
  const targetEfficiency = '≥ 0.80 × 1 process';
  const titleScaling = `Emulator multi-process scaling (${cores} workers vs 1 process)`;
  const titleEfficiency = 'Emulator multi-process tokens per server CPU-second';
  const clusterBuilt = existsSync(join(repoRoot, 'packages', 'emulator', 'dist', 'cluster.js'));
  if (!isBuilt('emulator') || !clusterBuilt) {
    return [
      notMeasured('emulator-scaling', titleScaling, targetScaling, 'emulator not built'),
      notMeasured('emulator-scaling-efficiency', titleEfficiency, targetEfficiency, 'emulator not built'),
    ];
  }
  const single = await startBenchEmulator();
  let multi;
  try {
    multi = await startBenchEmulatorCluster({ workers: cores });
    const singlePids = [single.pid];
    const multiPids = [multi.info.pid, ...multi.info.workerPids];
    const singleUser = await createBenchUser(single.info);
    const multiUser = await createBenchUser(multi.info);
    // Warm up both (JIT, TLS sessions, SQLite page cache), then alternate rounds.
    if (!smoke) {
      await loadIssue(single.info, singleUser, { durationSeconds: 3, connections: CONNECTIONS });
      await loadIssue(multi.info, multiUser, { durationSeconds: 3, connections: CONNECTIONS });
    }
    const rounds = smoke ? 1 : 3;
    const duration = smoke ? 1 : 6;
    const singleRounds = [];
    const multiRounds = [];
    for (let i = 0; i < rounds; i += 1) {
      singleRounds.push(await measure(single, singleUser, singlePids, duration));
      multiRounds.push(await measure(multi, multiUser, multiPids, duration));
    }
    const one = summarize(singleRounds);
    const all = summarize(multiRounds);
    const errors = one.errors + all.errors;
    const scaling = all.rps / one.rps;
    const efficiency = all.tokensPerCpuSecond / one.tokensPerCpuSecond;
    // What this machine allows at best: the cores the generator leaves, over the cores one process already uses
    // (it signs on libuv's thread pool, so it is not limited to one core).
    const ceiling = (cores - all.generatorCores) / one.serverCores;
    const cpuNote =
      `CPU cores used: 1 process ${one.serverCores.toFixed(2)}, ${cores} workers ${all.serverCores.toFixed(2)}, ` +
      `load generator ${one.generatorCores.toFixed(2)} / ${all.generatorCores.toFixed(2)} of ${cores}; ` +
      `ceiling here (free cores / cores of 1 process) ${ceiling.toFixed(2)} ×`;
    return [
      figure({
        id: 'emulator-scaling',
        title: titleScaling,
        value: all.rps,
        unit: 'tokens/s',
        baseline: one.rps,
        baselineUnit: 'tokens/s (1 process)',
        ratio: scaling,
        target: targetScaling,
        met: errors === 0 && scaling >= 0.8 * cores,
        note: `${errors ? `${errors} errors or non-2xx answers; ` : ''}${cpuNote}`,
      }),
      figure({
        id: 'emulator-scaling-efficiency',
        title: titleEfficiency,
        value: all.tokensPerCpuSecond,
        unit: 'tokens/CPU-s',
        baseline: one.tokensPerCpuSecond,
        baselineUnit: 'tokens/CPU-s (1 process)',
        ratio: efficiency,
        target: targetEfficiency,
        met: errors === 0 && efficiency >= 0.8,
        note: 'server CPU time (primary + workers) per issued token; ≈ 1 means workers scale with free cores',
      }),
    ];
  } finally {
    await multi?.stop();
    await single.stop();
  }
}
