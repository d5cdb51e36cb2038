import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { narrowIfPresent, privateDir, privateFile } from './private-files.js';

const root = mkdtempSync(join(tmpdir(), 'acs-core-private-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('private files', () => {
  it('makes a missing folder, with its missing parents, 0700', () => {
    const dir = join(root, 'new', 'inner');
    privateDir(dir);
    expect([modeOf(join(root, 'new')), modeOf(dir)]).toEqual(['700', '700']);
  });

  it('narrows a folder another process made 0755 to 0700', () => {
    const dir = join(root, 'open');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    privateDir(dir);
    expect(modeOf(dir)).toBe('700');
  });

  it('creates a missing file 0600 and narrows an existing one, keeping its content', () => {
    const dir = join(root, 'files');
    privateDir(dir);
    privateFile(join(dir, 'new.db'));
    writeFileSync(join(dir, 'old.db'), 'kept', { mode: 0o644 });
    chmodSync(join(dir, 'old.db'), 0o644);
    privateFile(join(dir, 'old.db'));
    expect([modeOf(join(dir, 'new.db')), modeOf(join(dir, 'old.db'))]).toEqual(['600', '600']);
    expect(statSync(join(dir, 'old.db')).size).toBe(4);
  });

  it('narrows a file only when it is there', () => {
    const file = join(root, 'loose.json');
    narrowIfPresent(file);
    writeFileSync(file, '{}', { mode: 0o666 });
    chmodSync(file, 0o666);
    narrowIfPresent(file);
    expect(modeOf(file)).toBe('600');
  });

  it('leaves a file already narrower than 0600 as it is', () => {
    const file = join(root, 'narrow.key');
    writeFileSync(file, 'k', { mode: 0o400 });
    chmodSync(file, 0o400);
    privateFile(file);
    expect(modeOf(file)).toBe('400');
  });

  it('refuses a file that is a symbolic link, leaving its target as it was', () => {
    const dir = join(root, 'links');
    privateDir(dir);
    const target = join(root, 'elsewhere.txt');
    writeFileSync(target, 'x', { mode: 0o644 });
    chmodSync(target, 0o644);
    symlinkSync(target, join(dir, 'store.db'));
    symlinkSync(target, join(dir, 'store.db-wal'));
    expect(() => privateFile(join(dir, 'store.db'))).toThrow(
      `${join(dir, 'store.db')} is a symbolic link; secrets are kept in regular files only`,
    );
    expect(() => narrowIfPresent(join(dir, 'store.db-wal'))).toThrow(/is a symbolic link/);
    expect(modeOf(target)).toBe('644');
  });

  it('follows a data folder that is a symbolic link to a folder', () => {
    const real = join(root, 'real-folder');
    mkdirSync(real, { mode: 0o755 });
    chmodSync(real, 0o755);
    symlinkSync(real, join(root, 'linked-folder'));
    privateDir(join(root, 'linked-folder'));
    expect(modeOf(real)).toBe('700');
  });
});
