import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDemoError } from '../errors.js';
import { createDemoServer, type DemoServer } from './server.js';

let staticDir: string;
let upstream: http.Server;
let upstreamUrl: string;
let demo: DemoServer;
let base: string;
const seen: {
  method: string;
  url: string;
  origin: string | undefined;
  auth: string | undefined;
  body: string;
}[] = [];

beforeAll(async () => {
  staticDir = await mkdtemp(join(tmpdir(), 'acs-demo-static-'));
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>demo</title>');
  await writeFile(join(staticDir, 'app.js'), 'console.log(1)');
  upstream = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        origin: req.headers.origin,
        auth: req.headers.authorization,
        body,
      });
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
      res.end(JSON.stringify({ ok: true, path: req.url }));
    });
  });
  await new Promise<void>((done) => upstream.listen(0, '127.0.0.1', done));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`;
  demo = await createDemoServer({
    staticDir,
    gatewayUrl: upstreamUrl,
    emulatorEndpoint: upstreamUrl,
    adminKey: 'k'.repeat(40),
  });
  base = (await demo.listen()).url;
});

afterAll(async () => {
  await demo?.close();
  await new Promise<void>((done) => upstream?.close(() => done()));
  await rm(staticDir, { recursive: true, force: true });
});

describe('the demo server', () => {
  it('serves the app for its own routes, with a strict content security policy', async () => {
    const res = await fetch(`${base}admin`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('<title>demo</title>');
  });

  it('serves built files with their content type', async () => {
    const res = await fetch(`${base}app.js`);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await res.text()).toBe('console.log(1)');
  });

  it('answers 404 for a missing file and never serves outside its folder', async () => {
    expect((await fetch(`${base}missing.js`)).status).toBe(404);
    expect((await fetch(`${base}..%2f..%2fetc%2fpasswd.txt`)).status).toBe(404);
  });

  it('forwards GraphQL to the gateway with the authorization header, without the browser origin', async () => {
    const res = await fetch(`${base}graphql?x=1`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer abc',
        'content-type': 'application/json',
        origin: 'http://evil.example',
      },
      body: '{"query":"{ serverTime }"}',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-upstream')).toBe('yes');
    const last = seen.at(-1);
    expect(last).toEqual({
      method: 'POST',
      url: '/graphql?x=1',
      origin: undefined,
      auth: 'Bearer abc',
      body: '{"query":"{ serverTime }"}',
    });
  });

  it('forwards the development sign-in and the emulator verification endpoint', async () => {
    await fetch(`${base}dev/sign-in`, { method: 'POST', body: '{"user":"alice"}' });
    expect(seen.at(-1)?.url).toBe('/dev/sign-in');
    await fetch(`${base}emulator/verify-token`, { method: 'POST', body: '{"token":"x"}' });
    expect(seen.at(-1)?.url).toBe('/emulator/verify-token');
  });

  it('hands the admin key and the token lifetime to the app', async () => {
    const res = await fetch(`${base}demo/config.json`);
    expect(await res.json()).toEqual({
      gateway: true,
      emulator: true,
      tokenLifetimeMinutes: 60,
      demoUsers: ['alice', 'bob', 'carol'],
      adminKey: 'k'.repeat(40),
    });
  });

  it('reports both services up while they answer', async () => {
    const res = await fetch(`${base}demo/status`);
    expect(await res.json()).toEqual({ gateway: 'up', emulator: 'up' });
  });
});

describe('the demo server without its services', () => {
  it('says the gateway is down when nothing answers at its address', async () => {
    const closed = http.createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const lonely = await createDemoServer({ staticDir, gatewayUrl: `http://127.0.0.1:${port}/` });
    const { url } = await lonely.listen();
    try {
      const res = await fetch(`${url}graphql`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(502);
      expect(await res.json()).toEqual({
        error: {
          code: 'GATEWAY_UNREACHABLE',
          message: 'The gateway is not answering. Is it running? Try npm start.',
        },
      });
      expect(await (await fetch(`${url}demo/status`)).json()).toEqual({
        gateway: 'down',
        emulator: 'absent',
      });
      const emulator = await fetch(`${url}emulator/verify-token`, { method: 'POST', body: '{}' });
      expect(emulator.status).toBe(503);
    } finally {
      await lonely.close();
    }
  });

  it('refuses to start without a built app, saying what to run', async () => {
    const error = await createDemoServer({ staticDir: join(staticDir, 'nowhere') }).catch((e: unknown) => e);
    expect(isDemoError(error) && error.code).toBe('NOT_BUILT');
    expect((error as Error).message).toMatch(/Run npm run build first/);
  });

  it('names a taken port clearly', async () => {
    const other = await createDemoServer({ staticDir, port: Number(new URL(base).port) });
    const error = await other.listen().catch((e: unknown) => e);
    expect(isDemoError(error) && error.code).toBe('PORT_IN_USE');
    expect((error as Error).message).toBe(
      `Port ${new URL(base).port} is already in use. Stop what uses it or choose another port.`,
    );
  });

  it('rejects options it cannot use', async () => {
    await expect(createDemoServer({ staticDir, port: 70_000 })).rejects.toThrow(/port 70000 is invalid/);
    await expect(createDemoServer({ staticDir, gatewayUrl: 'ftp://x/' })).rejects.toThrow(/http: or https:/);
    await expect(createDemoServer({ staticDir, tokenLifetimeMinutes: 59 })).rejects.toThrow(
      /from 60 to 1440/,
    );
  });
});
