/**
 * One emulator per data folder: `<dataDir>/emulator.lock` names the emulator that owns the folder (its pid, machine,
 * endpoint once it listens). Taking the lock is atomic (the file is complete before it appears: written aside, then
 * hard-linked into place, which fails when one exists). A second emulator is refused with `DATA_DIR_IN_USE`, naming
 * the first. A lock whose owner is gone (killed, crashed) is stale and taken over; takeovers are serialised by a second,
 * short-lived lock, so two emulators starting at once over a stale lock cannot both win.
 */
import { randomBytes } from 'node:crypto';
import { readFile, stat, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { LOCK_FILE_NAME } from './data-dir.js';
import { processAlive } from './discovery.js';
import { EmulatorError } from './errors.js';
import { createExclusively, writeAtomically } from './files.js';
import { ownerOnlyDir } from './private-files.js';

/** What the lock file holds. */
interface LockRecord {
  pid: number;
  hostname: string;
  /** Unique per acquisition: tells this lock from a later one of the same pid. */
  nonce: string;
  startedAt: string;
  /** Set once the owner listens. */
  endpoint?: string;
}

/** Locks held by this process (a second emulator of the same process is refused too). */
const held = new Set<string>();

/** How long a lock without an endpoint, written on another machine, counts as an emulator still starting. */
const STARTING_GRACE_MS = 60_000;
/** How long to wait for another process to finish taking over a stale lock. */
const TAKEOVER_WAIT_MS = 5000;
const RETRY_MS = 20;

function isErrno(e: unknown, code: string): boolean {
  return (e as NodeJS.ErrnoException)?.code === code;
}

/** A lock file as found: its record (unless unreadable) and what tells this file from a later one. */
interface FoundLock {
  record: LockRecord | undefined;
  fingerprint: string;
}

async function readRecord(file: string): Promise<LockRecord | undefined> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as Partial<LockRecord>;
    if (typeof value.pid !== 'number' || typeof value.nonce !== 'string') return undefined;
    return value as LockRecord;
  } catch {
    return undefined;
  }
}

/** The lock file at `file`; `undefined` when there is none. */
async function findLock(file: string): Promise<FoundLock | undefined> {
  let found: { ino: number; mtimeMs: number };
  try {
    found = await stat(file);
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return undefined;
    throw e;
  }
  const record = await readRecord(file);
  return { record, fingerprint: record ? `nonce:${record.nonce}` : `file:${found.ino}:${found.mtimeMs}` };
}

/** Creates `file` with `record` if it does not exist (atomically, complete); `false` when it exists. */
function createExclusive(file: string, record: LockRecord): Promise<boolean> {
  return createExclusively(file, `${JSON.stringify(record)}\n`, 0o600);
}

/** How long ago `file` was last written (infinite when it is gone). */
function ageMs(file: string): Promise<number> {
  return stat(file).then(
    (s) => Date.now() - s.mtimeMs,
    () => Number.POSITIVE_INFINITY,
  );
}

/** Whether something accepts TCP connections at the endpoint (within a second). */
function answers(endpoint: string): Promise<boolean> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return Promise.resolve(false);
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Whether the lock's owner still runs: a process of this machine that is alive (and answers once it listens). */
async function ownerAlive(file: string, owner: LockRecord | undefined): Promise<boolean> {
  if (!owner) {
    // Unreadable: a lock of an older or foreign format; stale once it is older than the grace period.
    return (await ageMs(file)) < STARTING_GRACE_MS;
  }
  if (owner.hostname === hostname()) {
    if (owner.pid === process.pid) return held.has(`${file}\u0000${owner.nonce}`);
    if (!processAlive(owner.pid)) return false;
    // The pid may have been reused by another program since (after a reboot): an emulator answers at its endpoint.
    return owner.endpoint === undefined || (await answers(owner.endpoint));
  }
  // Another machine or container sharing the folder: its pid means nothing here.
  if (owner.endpoint !== undefined) return answers(owner.endpoint);
  return Date.parse(owner.startedAt) > Date.now() - STARTING_GRACE_MS;
}

function inUse(dataDir: string, owner: LockRecord | undefined): EmulatorError {
  const pid = owner?.pid ?? 0;
  const who = owner?.endpoint
    ? `the emulator at ${owner.endpoint} (pid ${pid})`
    : `an emulator that is starting (pid ${pid})`;
  return new EmulatorError(
    'DATA_DIR_IN_USE',
    `The data folder ${dataDir} is in use by ${who}. Use that emulator (acs-identity commands find it through its emulator.json), stop it first (Ctrl+C in its terminal, or kill ${pid}), or start this one with another data folder (--data-dir).`,
    { inUseBy: { pid, endpoint: owner?.endpoint } },
  );
}

/**
 * Removes the stale lock found at `file`, unless it changed meanwhile, holding `<lock>.takeover` so that only one process
 * at a time takes over. Returns once the lock may be tried again.
 */
async function removeStale(file: string, stale: FoundLock, mine: LockRecord): Promise<void> {
  const takeover = `${file}.takeover`;
  const deadline = Date.now() + TAKEOVER_WAIT_MS;
  while (!(await createExclusive(takeover, mine))) {
    const other = await readRecord(takeover);
    const abandoned =
      !other ||
      (other.hostname === hostname() && !processAlive(other.pid)) ||
      (await ageMs(takeover)) > TAKEOVER_WAIT_MS;
    if (abandoned) {
      // Its owner died while taking over (a takeover lasts milliseconds): remove its leftover and try again.
      await unlink(takeover).catch(() => {});
    } else if (Date.now() > deadline) {
      throw new EmulatorError(
        'DATA_DIR_IN_USE',
        `Another emulator (pid ${other?.pid}) is taking over the data folder lock ${file}; try again.`,
        { inUseBy: { pid: other?.pid ?? 0, endpoint: undefined } },
      );
    } else {
      await delay(RETRY_MS);
    }
  }
  try {
    const current = await findLock(file);
    if (current?.fingerprint === stale.fingerprint) await unlink(file).catch(() => {});
  } finally {
    await unlink(takeover).catch(() => {});
  }
}

/** The lock of one data folder, held by this process. */
export class DataDirLock {
  readonly #file: string;
  readonly #record: LockRecord;
  #released = false;

  private constructor(file: string, record: LockRecord) {
    this.#file = file;
    this.#record = record;
    held.add(`${file}\u0000${record.nonce}`);
  }

  /**
   * Takes the lock of `dataDir` (creating the folder 0700, or narrowing it to 0700), or throws `DATA_DIR_IN_USE` naming
   * its owner (`INVALID_OPTIONS` when the folder is open to others and cannot be narrowed).
   */
  static async acquire(dataDir: string, now: number): Promise<DataDirLock> {
    ownerOnlyDir(dataDir);
    const file = join(dataDir, LOCK_FILE_NAME);
    const record: LockRecord = {
      pid: process.pid,
      hostname: hostname(),
      nonce: randomBytes(12).toString('hex'),
      startedAt: new Date(now).toISOString(),
    };
    for (;;) {
      if (await createExclusive(file, record)) return new DataDirLock(file, record);
      const found = await findLock(file);
      if (!found) continue; // released meanwhile: try again
      if (await ownerAlive(file, found.record)) throw inUse(dataDir, found.record);
      await removeStale(file, found, record);
    }
  }

  /** Records the endpoint the owner listens on (another emulator's refusal names it). */
  async describe(endpoint: string): Promise<void> {
    if (this.#released) return;
    this.#record.endpoint = endpoint;
    await writeAtomically(this.#file, `${JSON.stringify(this.#record)}\n`, 0o600);
  }

  /** Removes the lock if it is still this one. Idempotent. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    held.delete(`${this.#file}\u0000${this.#record.nonce}`);
    const current = await readRecord(this.#file);
    if (current?.nonce === this.#record.nonce)
      await unlink(this.#file).catch((e: unknown) => {
        if (!isErrno(e, 'ENOENT')) throw e;
      });
  }
}
