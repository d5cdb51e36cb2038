import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, json, runCli } from './run-cli.js';

interface Started {
  child: ChildProcessWithoutNullStreams;
  info: { endpoint: string; connectionString: string; caCertFile?: string; dataDir: string };
  stderr: () => string;
  exited: Promise<number | null>;
}

const folders: string[] = [];
const children: ChildProcessWithoutNullStreams[] = [];

function tempFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'acs-cli-emu-'));
  folders.push(dir);
  return dir;
}

interface StartOptions {
  /** Pass --only-show-errors (the default), so stderr holds errors only. */
  readonly quiet?: boolean;
  readonly env?: Readonly<Record<string, string>>;
}

/** Starts `acs-identity emulator start` as a child and resolves once it printed its connection info on stdout. */
function startCli(
  cwd: string,
  extra: readonly string[] = [],
  command = 'emulator',
  { quiet = true, env = {} }: StartOptions = {},
): Promise<Started> {
  const child = spawn(
    process.execPath,
    [BIN, command, 'start', '--port', '0', ...(quiet ? ['--only-show-errors'] : []), ...extra],
    {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
    },
  );
  children.push(child);
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return new Promise((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (!stdout.endsWith('}\n')) return;
      try {
        resolve({ child, info: JSON.parse(stdout), stderr: () => stderr, exited });
      } catch {
        // not complete yet
      }
    });
    void exited.then((code) => reject(new Error(`${command} start exited with ${code}: ${stderr}`)));
  });
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('emulator start', () => {
  it('prints the connection info, serves the identity commands, rotates keys and stops cleanly on SIGTERM', async () => {
    const cwd = tempFolder();
    const started = await startCli(cwd);
    const { info } = started;
    expect(info.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    expect(info.connectionString).toMatch(/^endpoint=https:\/\/127\.0\.0\.1:\d+\/;accesskey=/);
    expect(info.caCertFile && existsSync(info.caCertFile)).toBe(true);
    const infoFile = join(cwd, '.acs-identity', 'emulator.json');
    expect(existsSync(infoFile)).toBe(true);

    const created = await runCli(['user', 'create', '--query', 'rawId', '-o', 'tsv'], { cwd });
    expect(created.code).toBe(0);

    const oldKey = ['--connection-string', info.connectionString, '--ca-cert', info.caCertFile ?? ''];
    const rotated = await runCli(['emulator', 'rotate-key', '--key', 'primary'], { cwd });
    expect(rotated.code).toBe(0);
    const out = json(rotated);
    expect(out).toMatchObject({ key: 'primary', generation: 2 });
    expect(out.connectionString).not.toBe(info.connectionString);
    expect(rotated.stderr).toContain('tokens signed with the old key are no longer valid');

    const withOldKey = await runCli(['user', 'create', ...oldKey], { cwd: tempFolder() });
    expect(withOldKey.code).toBe(1);
    expect(withOldKey.stderr).toContain('[UNAUTHENTICATED]');
    expect((await runCli(['user', 'create'], { cwd })).code).toBe(0);

    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
    expect(existsSync(infoFile)).toBe(false);
  });

  it('serves from two worker processes with --workers 2 and stops them all on SIGTERM', async () => {
    const cwd = tempFolder();
    const started = await startCli(cwd, ['--workers', '2']);
    const infoFile = join(cwd, '.acs-identity', 'emulator.json');
    const user = await runCli(['user', 'create', '--query', 'rawId', '-o', 'tsv'], { cwd });
    expect(user.code).toBe(0);
    // Several requests on fresh connections land on both workers; every one of them knows the user.
    for (let i = 0; i < 4; i += 1) {
      const issued = await runCli(['token', 'issue', '--scope', 'chat', '--user', user.stdout.trim()], {
        cwd,
      });
      expect(issued.code).toBe(0);
    }
    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
    expect(existsSync(infoFile)).toBe(false);
  });

  it('rejects --workers -1 as a usage error', async () => {
    const run = await runCli(['emulator', 'start', '--workers', '-1', '--port', '0'], { cwd: tempFolder() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--workers: "-1" is not valid; expected an integer from 0 to 256');
  });

  it('serves plain HTTP with --http, which the identity commands accept on loopback', async () => {
    const cwd = tempFolder();
    const started = await startCli(cwd, ['--http', '--data-dir', 'state'], 'emulator', { quiet: false });
    expect(started.info.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(started.info.caCertFile).toBeUndefined();
    expect(started.stderr()).toContain(
      "WARNING: Option '--http' has been deprecated and will be removed in a future release. Use '--no-tls' instead.",
    );
    const run = await runCli(
      ['token', 'issue', '--scope', 'chat', '--connection-string', started.info.connectionString],
      {
        cwd,
      },
    );
    expect(run.code).toBe(0);
    expect(json(run).user_id).toMatch(/^8:acs:/);
    started.child.kill('SIGINT');
    expect(await started.exited).toBe(0);
  });

  it('runs the GraphQL gateway on the local emulator until SIGTERM', async () => {
    const cwd = tempFolder();
    const emulator = await startCli(cwd, ['--data-dir', 'state']);
    // The gateway finds the emulator through the old variable of the data folder, and says it is old.
    const gateway = await startCli(cwd, ['--dev'], 'gateway', {
      quiet: false,
      env: { GATEWAY_DATA_DIR: 'state' },
    });
    expect(gateway.stderr()).toContain(
      "WARNING: Environment variable 'GATEWAY_DATA_DIR' has been deprecated and will be removed in a future release. Use 'ACS_IDENTITY_DATA_DIR' instead.",
    );
    const info = gateway.info as unknown as { url: string; graphqlUrl: string; dev: boolean };
    expect(info).toMatchObject({ dev: true, graphqlUrl: `${info.url}graphql` });
    const signIn = await fetch(new URL('dev/sign-in', info.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'alice' }),
    });
    expect(signIn.status).toBe(200);
    expect(((await signIn.json()) as { token: string }).token).toMatch(/^eyJ/);
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    emulator.child.kill('SIGTERM');
    expect(await emulator.exited).toBe(0);
  });

  it('refuses a second emulator on the same data folder, naming the first, and a port that is taken', async () => {
    const cwd = tempFolder();
    const first = await startCli(cwd);
    const port = new URL(first.info.endpoint).port;
    const sameFolder = await runCli(['emulator', 'start', '--port', '0'], { cwd });
    expect(sameFolder.code).toBe(1);
    expect(sameFolder.stderr).toMatch(/^ERROR \[DATA_DIR_IN_USE\] /m);
    expect(sameFolder.stderr).toContain(`the emulator at ${first.info.endpoint} (pid ${first.child.pid})`);
    expect(sameFolder.stderr).toContain(
      'Hint: Another emulator uses this data folder: use it, stop it, or pass --data-dir for another folder.',
    );
    const samePort = await runCli(['emulator', 'start', '--port', port], { cwd: tempFolder() });
    expect(samePort.code).toBe(1);
    expect(samePort.stderr).toMatch(/^ERROR \[PORT_IN_USE\] .*Hint: Stop what uses the port/m);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });

  it('still reads the old DATABASE_URL, checked as EMULATOR_DATABASE_URL is', async () => {
    const run = await runCli(['emulator', 'start', '--port', '0'], {
      cwd: tempFolder(),
      env: { DATABASE_URL: 'mysql://nope' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^ERROR \[INVALID_OPTIONS\] DATABASE_URL: the value given is not valid; expected a postgres:\/\//,
    );
  });

  it('rejects a port out of range as a usage error', async () => {
    const run = await runCli(['emulator', 'start', '--port', '70000'], { cwd: tempFolder() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^ERROR \[USAGE\] --port: "70000" is not valid; expected an integer from 0 to 65535/,
    );
  });
});
