import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isAcsIdentityError } from '../errors.js';
import { listen } from './listen.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

function server(): Server {
  const s = createServer();
  servers.push(s);
  return s;
}

describe('listen', () => {
  it('resolves with the port picked for port 0 and a URL authority', async () => {
    const address = await listen(server(), { port: 0, host: '127.0.0.1' });
    expect(address.port).toBeGreaterThan(0);
    expect(address.authority).toBe(`127.0.0.1:${address.port}`);
  });

  it('puts an IPv6 host in brackets', async () => {
    const address = await listen(server(), { port: 0, host: '::1' }).catch(() => undefined);
    if (address) expect(address.authority).toBe(`[::1]:${address.port}`);
  });

  it('rejects a taken port with PORT_IN_USE, naming the port and how to change it', async () => {
    const { port } = await listen(server(), { port: 0, host: '127.0.0.1' });
    const error = await listen(server(), {
      port,
      host: '127.0.0.1',
      name: 'the gateway',
      portHint: '--port or GATEWAY_PORT',
    }).catch((e: unknown) => e);
    expect(isAcsIdentityError(error) && error.code).toBe('PORT_IN_USE');
    expect((error as Error).message).toBe(
      `Port ${port} on 127.0.0.1 is in use, so the gateway cannot listen there. Stop what uses it, or choose --port or GATEWAY_PORT (0 picks a free one).`,
    );
  });

  it('rejects a host that is not an address of this machine with INVALID_OPTIONS', async () => {
    const error = await listen(server(), { port: 0, host: '192.0.2.1' }).catch((e: unknown) => e);
    expect(isAcsIdentityError(error) && error.code).toBe('INVALID_OPTIONS');
    expect((error as Error).message).toMatch(/cannot listen on 192\.0\.2\.1:0: the host is not an address/);
  });
});
