import { describe, expect, it } from 'vitest';
import { clientAddress } from './request-state.js';

const request = (forwardedFor?: string) =>
  new Request('http://gateway.test/graphql', {
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  });

describe('clientAddress', () => {
  it("is the socket's peer when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(clientAddress(request('192.0.2.1'), '10.0.0.5', 0)).toBe('10.0.0.5');
  });

  it('is the address the trusted proxy appended, not the ones the client wrote before it', () => {
    // The client sends "X-Forwarded-For: 203.0.113.7" to look like someone else; the balancer appends its real address.
    expect(clientAddress(request('203.0.113.7, 198.51.100.20'), '10.0.0.5', 1)).toBe('198.51.100.20');
    expect(clientAddress(request('203.0.113.7, 198.51.100.20, 10.1.1.1'), '10.0.0.5', 2)).toBe(
      '198.51.100.20',
    );
  });

  it('falls back to what there is when fewer proxies answered than trusted', () => {
    expect(clientAddress(request(), '10.0.0.5', 1)).toBe('10.0.0.5');
    expect(clientAddress(request(), undefined, 0)).toBe('in-process');
  });
});
