#!/usr/bin/env node
// Runs every benchmark figure, prints a table and writes bench/results.json.
// Usage: node bench/run.mjs [--smoke] [--only id,id]
// --smoke: a few seconds per figure, checks that every script still runs; results are not written.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './lib.mjs';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? new Set((args[onlyIndex + 1] ?? '').split(',')) : null;

const figureModules = [
  'emulator-throughput',
  'emulator-scaling',
  'emulator-shared-limits',
  'gateway-overhead',
  'gateway-speed',
  'gateway-rate-limit',
  'cli-startup',
  'cli-e2e',
  'refresher-size',
  'refresher-tabs',
  'gateway-memory',
  'soak',
];

const results = [];
let failures = 0;
for (const name of figureModules) {
  if (only && !only.has(name)) continue;
  let mod;
  try {
    mod = await import(`./figures/${name}.mjs`);
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(`figures/${name}.mjs`)) {
      continue;
    }
    throw error;
  }
  const started = performance.now();
  process.stderr.write(`bench: ${name}${smoke ? ' (smoke)' : ''}...\n`);
  try {
    const figures = await mod.run({ smoke });
    for (const f of figures) results.push({ ...f, seconds: (performance.now() - started) / 1000 });
  } catch (error) {
    failures += 1;
    results.push({
      id: name,
      title: name,
      value: null,
      ratio: null,
      met: false,
      note: `failed: ${error.message}`,
    });
  }
}

const fmt = (n) => (typeof n === 'number' ? (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2)) : 'n/a');
const rows = results.map((r) => [
  r.title,
  `${fmt(r.value)} ${r.unit ?? ''}`.trim(),
  `${fmt(r.baseline)} ${r.baselineUnit ?? ''}`.trim(),
  fmt(r.ratio),
  r.target ?? '',
  r.met === null || r.met === undefined ? '-' : r.met ? 'yes' : 'NO',
  r.note ?? '',
]);
const header = ['figure', 'value', 'baseline', 'ratio', 'target', 'met', 'note'];
const table = [
  `| ${header.join(' | ')} |`,
  `|${header.map(() => '---').join('|')}|`,
  ...rows.map((row) => `| ${row.join(' | ')} |`),
].join('\n');
console.log(table);

if (!smoke) {
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryBytes: totalmem() },
    figures: results,
  };
  writeFileSync(join(repoRoot, 'bench', 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log('\nwrote bench/results.json');
  // A full run (every figure) also refreshes the table in BENCHMARKS.md between its markers.
  const doc = join(repoRoot, 'BENCHMARKS.md');
  if (!only && existsSync(doc)) {
    const text = readFileSync(doc, 'utf8');
    const begin = '<!-- BEGIN RESULTS -->';
    const end = '<!-- END RESULTS -->';
    const from = text.indexOf(begin);
    const to = text.indexOf(end);
    if (from >= 0 && to > from) {
      const stamp = `Measured ${report.date.slice(0, 16).replace('T', ' ')} UTC, Node ${report.node}, ${report.machine.cpus} × ${report.machine.cpuModel}.`;
      writeFileSync(doc, `${text.slice(0, from + begin.length)}\n${stamp}\n\n${table}\n${text.slice(to)}`);
      console.log('updated BENCHMARKS.md');
    }
  }
}

const measured = results.filter((r) => typeof r.value === 'number').length;
// In CI every part is built and every system part installed, so a figure that could not be measured has rotted.
if (process.env.CI) {
  for (const r of results.filter((x) => typeof x.value !== 'number')) {
    console.error(`bench: ${r.id} was not measured in CI: ${r.note}`);
    failures += 1;
  }
}
console.log(`bench: ${measured} figures measured, ${failures} failed${smoke ? ' (smoke)' : ''}`);
process.exitCode = failures > 0 ? 1 : 0;
