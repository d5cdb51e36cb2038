import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateTlsMaterial } from './certificates.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acs-emulator-tls-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('local TLS material', () => {
  it('creates a CA and a server certificate for localhost, 127.0.0.1 and ::1, then reuses them', async () => {
    const now = Date.now();
    const first = await loadOrCreateTlsMaterial(dir, ['127.0.0.1'], now);
    const cert = new X509Certificate(first.certPem);
    const ca = new X509Certificate(first.caCertPem);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(ca.ca).toBe(true);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('::1')).toBe('::1');
    const again = await loadOrCreateTlsMaterial(dir, ['127.0.0.1'], now);
    expect(again).toEqual(first);
  });

  it('re-issues the server certificate from the same CA when the host is not covered', async () => {
    const now = Date.now();
    const before = await loadOrCreateTlsMaterial(dir, [], now);
    const after = await loadOrCreateTlsMaterial(dir, ['emulator.test'], now);
    expect(after.caCertPem).toBe(before.caCertPem);
    expect(after.certPem).not.toBe(before.certPem);
    expect(new X509Certificate(after.certPem).checkHost('emulator.test')).toBe('emulator.test');
  });
});

describe('concurrent first starts', () => {
  it('agree on one CA when several processes create the TLS material at once', async () => {
    const shared = await mkdtemp(join(tmpdir(), 'acs-emulator-tls-race-'));
    try {
      const now = Date.now();
      const results = await Promise.all([1, 2, 3].map(() => loadOrCreateTlsMaterial(shared, [], now)));
      const cas = new Set(results.map((r) => r.caCertPem));
      expect(cas.size).toBe(1);
      for (const r of results) {
        expect(new X509Certificate(r.certPem).verify(new X509Certificate(r.caCertPem).publicKey)).toBe(true);
      }
    } finally {
      await rm(shared, { recursive: true, force: true });
    }
  });
});
