// The statements the helpers send, in order, through a recording pool. That they serialise real PostgreSQL
// instances is tested where the stores are: the emulator's and the gateway's PostgreSQL suites.
import { describe, expect, it } from 'vitest';
import { type TransactionClient, withAdvisoryLock, withTransaction } from './postgres-transaction.js';

/** A pool of one client that records every statement and fails the ones named in `failing`. */
function recordingPool(failing: readonly string[] = []) {
  const log: string[] = [];
  const client: TransactionClient = {
    async query(text, params) {
      log.push(params === undefined ? text : `${text} ${JSON.stringify(params)}`);
      if (failing.includes(text)) throw new Error(`${text} failed`);
      return { rows: [] };
    },
    release(destroy) {
      log.push(destroy ? 'destroy' : 'release');
    },
  };
  return { log, pool: { connect: async () => client } };
}

const LOCK = 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))';

describe('withAdvisoryLock', () => {
  it('runs the work after BEGIN and the lock, commits, releases the client and resolves the result', async () => {
    const { log, pool } = recordingPool();
    const result = await withAdvisoryLock(pool, 'acs-emulator:main', async (client) => {
      await client.query('INSERT 1');
      return 42;
    });
    expect(result).toBe(42);
    expect(log).toEqual(['BEGIN', `${LOCK} ["acs-emulator:main"]`, 'INSERT 1', 'COMMIT', 'release']);
  });

  it('rolls back, releases the client and rethrows when the work fails', async () => {
    const { log, pool } = recordingPool(['INSERT 1']);
    await expect(withAdvisoryLock(pool, 'k', (client) => client.query('INSERT 1'))).rejects.toThrow(
      'INSERT 1 failed',
    );
    expect(log).toEqual(['BEGIN', `${LOCK} ["k"]`, 'INSERT 1', 'ROLLBACK', 'release']);
  });

  it('rethrows the first error when the rollback fails too, and destroys that connection', async () => {
    const { log, pool } = recordingPool(['INSERT 1', 'ROLLBACK']);
    await expect(withAdvisoryLock(pool, 'k', (client) => client.query('INSERT 1'))).rejects.toThrow(
      'INSERT 1 failed',
    );
    expect(log.at(-1)).toBe('destroy');
  });

  it('does not run the work when the lock cannot be taken', async () => {
    const { log, pool } = recordingPool([LOCK]);
    let ran = false;
    await expect(
      withAdvisoryLock(pool, 'k', async () => {
        ran = true;
      }),
    ).rejects.toThrow(`${LOCK} failed`);
    expect(ran).toBe(false);
    expect(log).toEqual(['BEGIN', `${LOCK} ["k"]`, 'ROLLBACK', 'release']);
  });
});

describe('withTransaction', () => {
  it('runs the work between BEGIN and COMMIT without a lock', async () => {
    const { log, pool } = recordingPool();
    await withTransaction(pool, (client) => client.query('UPDATE 1'));
    expect(log).toEqual(['BEGIN', 'UPDATE 1', 'COMMIT', 'release']);
  });

  it('rolls back and rethrows when the commit fails', async () => {
    const { log, pool } = recordingPool(['COMMIT']);
    await expect(withTransaction(pool, (client) => client.query('UPDATE 1'))).rejects.toThrow(
      'COMMIT failed',
    );
    expect(log).toEqual(['BEGIN', 'UPDATE 1', 'COMMIT', 'ROLLBACK', 'release']);
  });

  it('rejects with the connection error and releases nothing when no client can be had', async () => {
    const pool = {
      connect: async (): Promise<TransactionClient> => {
        throw new Error('connection refused');
      },
    };
    await expect(withTransaction(pool, async () => 1)).rejects.toThrow('connection refused');
  });
});
