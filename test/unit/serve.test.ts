import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/main/serve/serve.ts';
import { startTestCore, type TestCore } from '../helpers/core.ts';
import { wsClient } from '../helpers/serve-process.ts';

let t: TestCore;
let server: RunningServer;
const base = () => `http://127.0.0.1:${server.port}`;

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base()}${path}`, { headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function wsStatus(headers: Record<string, string>, path = '/rpc'): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode!));
    ws.once('error', () => {});
  });
}

beforeAll(async () => {
  t = await startTestCore();
  const ui = join(t.home, 'ui');
  mkdirSync(join(ui, 'assets'), { recursive: true });
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Repo Ops</title>');
  writeFileSync(join(ui, 'assets', 'app.js'), 'console.log(1)');
  server = await startServer(t.core, { rendererDir: ui });
});
afterAll(async () => {
  await server.close();
  await t.close();
});

describe('repo-ops serve', () => {
  it('binds loopback on a free port and prints a URL with a random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
    expect(server.port).toBeGreaterThan(0);
  });

  it('answers 401 to any request without the token', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/assets/app.js')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
    expect((await get('/', { cookie: `repo_ops_${server.port}=wrong` })).status).toBe(401);
  });

  it('trades the URL token for an HttpOnly cookie, then serves the console with a strict CSP', async () => {
    const first = await get(`/?token=${server.token}`);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']).split(';')[0]!;
    expect(String(first.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    const page = await get('/', { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Repo Ops</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await get('/assets/app.js', { cookie })).headers['content-type']).toMatch(/javascript/);
    expect((await get('/../../etc/passwd', { cookie })).body).toContain('<title>Repo Ops</title>');
  });

  it('refuses foreign Host headers (DNS rebinding)', async () => {
    expect((await get(`/?token=${server.token}`, { host: 'evil.example:80' })).status).toBe(403);
  });

  it('accepts the protocol over WebSocket only with the token and a local origin', async () => {
    expect(await wsStatus({})).toBe(401);
    expect(await wsStatus({ authorization: 'Bearer nope' })).toBe(401);
    expect(await wsStatus({ cookie: `repo_ops_${server.port}=${server.token}`, origin: 'http://evil.example' })).toBe(401);
    expect(await wsStatus({ authorization: `Bearer ${server.token}` }, '/other')).toBe(401);
    expect(await wsStatus({ cookie: `repo_ops_${server.port}=${server.token}`, origin: `http://127.0.0.1:${server.port}` })).toBe('open');
  });

  it('carries the same typed calls and events as the other transports', async () => {
    const c = wsClient(`http://127.0.0.1:${server.port}`, server.token);
    await c.opened;
    expect((await c.ops.app.info()).home).toBe(t.home);
    await expect(c.ops.jobs.get({ runId: '' })).rejects.toMatchObject({ code: 'invalid_input' });
    const events: string[] = [];
    c.ops.subscribe('logs.line', {}, (e) => events.push(e.event));
    await new Promise((r) => setTimeout(r, 50));
    t.core.logger.info('over_the_wire');
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toContain('over_the_wire');
    c.close();
  });
});
