import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '@acs-identity/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, json, runCli } from './run-cli.js';

const databaseUrl = testDatabaseUrl();
const schema = uniqueSchema('cli_test');
const folders: string[] = [];
const children: ChildProcessWithoutNullStreams[] = [];

function startEmulator(): Promise<{ child: ChildProcessWithoutNullStreams; endpoint: string; cwd: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'acs-cli-pg-'));
  folders.push(cwd);
  const args = [
    'emulator',
    'start',
    '--port',
    '0',
    '--database-url',
    databaseUrl ?? '',
    '--database-schema',
    schema,
  ];
  const child = spawn(process.execPath, [BIN, ...args, '--only-show-errors'], { cwd });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (stdout.endsWith('}\n'))
        resolve({ child, endpoint: (JSON.parse(stdout) as { endpoint: string }).endpoint, cwd });
    });
    child.on('close', (code) => reject(new Error(`emulator exited with ${code}: ${stderr}`)));
  });
}

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  if (databaseUrl) await dropSchema(databaseUrl, schema);
});

describe.runIf(databaseUrl)('emulator start --database-url', () => {
  it('lets two emulators share identities through PostgreSQL', async () => {
    const [a, b] = await Promise.all([startEmulator(), startEmulator()]);
    expect(a.endpoint).not.toBe(b.endpoint);
    const created = await runCli(['user', 'create', '--query', 'rawId', '-o', 'tsv'], { cwd: a.cwd });
    expect(created.code).toBe(0);
    const user = created.stdout.trim();
    const issued = await runCli(['token', 'issue', '--scope', 'chat', '--user', user], { cwd: b.cwd });
    expect(issued.code).toBe(0);
    expect(json(issued).user_id).toBe(user);
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    await Promise.all([a, b].map(({ child }) => new Promise((done) => child.on('close', done))));
  });
});
