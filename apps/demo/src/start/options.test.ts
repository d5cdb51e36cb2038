import { readFileSync } from 'node:fs';
import { DEFAULT_DATA_DIR, optionsMarkdownTable } from '@acs-identity/core';
import { describe, expect, it } from 'vitest';
import { readStartOptions, START_OPTIONS, startHelp } from './options.js';

const README = new URL('../../README.md', import.meta.url);

/** A Markdown table as rows of trimmed cells (Biome's formatter aligns the README's columns). */
function cells(table: string | undefined): string[][] {
  return (table ?? '')
    .trim()
    .split('\n')
    .map((row) =>
      row
        .trim()
        .replace(/^\||\|$/g, '')
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replace(/^-+$/, '---')),
    );
}

function message(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    readStartOptions(argv, env);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected readStartOptions to throw');
}

describe("npm start's options", () => {
  it('are documented in apps/demo/README.md by the table made from them', () => {
    const readme = readFileSync(README, 'utf8');
    const table = /<!-- START_OPTIONS -->\n([\s\S]*?)\n<!-- \/START_OPTIONS -->/.exec(readme)?.[1];
    expect(cells(table)).toEqual(cells(optionsMarkdownTable(START_OPTIONS)));
  });

  it('default to the shared data folder and the documented ports', () => {
    expect(readStartOptions([], {})).toEqual({
      dataDir: DEFAULT_DATA_DIR,
      host: '127.0.0.1',
      emulatorPort: 8443,
      gatewayPort: 4000,
      demoPort: 3000,
      noBuild: false,
      help: false,
    });
  });

  it('take flags over environment variables over defaults', () => {
    const env = {
      ACS_IDENTITY_DEMO_PORT: '8080',
      ACS_IDENTITY_GATEWAY_PORT: '4001',
      ACS_IDENTITY_DATA_DIR: 'data',
    };
    expect(readStartOptions(['--demo-port', '0', '--no-build'], env)).toMatchObject({
      demoPort: 0,
      gatewayPort: 4001,
      dataDir: 'data',
      noBuild: true,
    });
  });

  it('name the flag or the variable that is wrong, and what it accepts', () => {
    expect(message(['--gateway-port', '70000'])).toBe(
      '--gateway-port must be a port number from 0 to 65535, not "70000".',
    );
    expect(message([], { ACS_IDENTITY_EMULATOR_PORT: 'https' })).toBe(
      'ACS_IDENTITY_EMULATOR_PORT must be a port number from 0 to 65535, not "https".',
    );
    expect(message(['--host'])).toBe(
      "Option '--host <value>' argument missing. Run npm start -- --help for the options.",
    );
  });

  it('list every flag, its variable and its default in --help', () => {
    const help = startHelp();
    for (const d of Object.values(START_OPTIONS)) {
      expect(help).toContain(`--${d.flag}`);
      if (d.env) expect(help).toContain(d.env);
    }
    expect(help).toContain('-h, --help');
    expect(help).toContain('default 8443');
  });
});
