import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { request } from 'node:http';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestPath } from '../../src/main/serve/auth.ts';
import { startServer, type RunningServer } from '../../src/main/serve/serve.ts';
import { startTestCore, type TestCore } from '../helpers/core.ts';
import { wsClient } from '../helpers/serve-process.ts';
import { tempDir } from '../helpers/temp.ts';

let t: TestCore;
let server: RunningServer;
const base = () => `http://127.0.0.1:${server.port}`;

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base()}${path}`, { headers, method }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A raw request line, exactly as written (Node's client would refuse to send some of these). */
function raw(text: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(server.port, '127.0.0.1', () => s.write(text.replace(/\r\n\r\n$/, '\r\nConnection: close\r\n\r\n')));
    let out = '';
    s.on('data', (d) => (out += d));
    s.on('close', () => resolve(out));
    s.on('error', () => resolve(out));
    setTimeout(() => s.destroy(), 2000);
  });
}

function wsStatus(headers: Record<string, string>, path = '/rpc', protocols?: string[]): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, protocols, { headers });
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
  it('binds loopback on a free port and prints a one-click URL whose token is in the fragment (never sent over HTTP)', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{32}$/);
    expect(server.port).toBeGreaterThan(0);
  });

  it('serves the static console (no secrets in it) with a strict CSP and never sets a cookie', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Repo Ops</title>');
    expect(page.body).not.toContain(server.token);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['set-cookie']).toBeUndefined();
    expect((await get('/assets/app.js')).headers['content-type']).toMatch(/javascript/);
    expect((await get('/../../etc/passwd')).body).toContain('<title>Repo Ops</title>');
    expect((await get('/', {}, 'HEAD')).status).toBe(200);
    expect((await get('/', {}, 'POST')).status).toBe(405);
  });

  it('has no redirect at all: "/.//host" and "//host" are paths, not an open redirect', async () => {
    for (const path of ['/.//evil.example/', '/%2F%2Fevil.example', '/..//evil.example', `/?token=${server.token}`]) {
      const r = await raw(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`);
      expect(r).toMatch(/^HTTP\/1\.1 200/);
      expect(r).not.toMatch(/^location:/im);
    }
    expect((await get('//evil.example/')).status).toBe(400);
    expect(requestPath('/.//evil.example/x')).toBe('/evil.example/x');
    expect(requestPath('http://evil.example/')).toBeNull();
  });

  it('refuses foreign Host headers first (DNS rebinding), even on malformed targets', async () => {
    expect((await get('/', { host: 'evil.example:80' })).status).toBe(403);
    expect(await raw('GET //a:b HTTP/1.1\r\nHost: evil.example\r\n\r\n')).toMatch(/^HTTP\/1\.1 403/);
  });

  it('answers 400 to malformed targets instead of crashing (the review crashed it with "//a:b" and a bad % escape)', async () => {
    expect(await raw(`GET //a:b HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400/);
    expect((await get('/%E0%A4%A')).status).toBe(400);
    expect((await get('/a%00b')).status).toBe(400);
    expect(await raw(`GET //a:b HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw('NOT HTTP AT ALL\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect((await get('/')).status).toBe(200); // still serving
  });

  it('accepts the protocol over WebSocket only with the token (header or handshake subprotocol) and a local origin', async () => {
    expect(await wsStatus({})).toBe(401);
    expect(await wsStatus({ cookie: `repo_ops_${server.port}=${server.token}` })).toBe(401); // cookies are no longer a key
    expect(await wsStatus({ authorization: 'Bearer nope' })).toBe(401);
    expect(await wsStatus({}, '/rpc', ['repo-ops.v1', 'token.nope'])).toBe(401);
    expect(await wsStatus({ origin: 'http://127.0.0.1:1' }, '/rpc', ['repo-ops.v1', `token.${server.token}`])).toBe(401);
    expect(await wsStatus({ authorization: `Bearer ${server.token}` }, '/other')).toBe(400);
    expect(await wsStatus({ origin: `http://127.0.0.1:${server.port}` }, '/rpc', ['repo-ops.v1', `token.${server.token}`])).toBe('open');
    expect(await wsStatus({ authorization: `Bearer ${server.token}` })).toBe('open');
  });

  it('survives an oversized frame (1009) and invalid UTF-8 (1007) on an authenticated socket', async () => {
    const closeCode = (send: (ws: WebSocket) => void) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/rpc`, { headers: { authorization: `Bearer ${server.token}` } });
        ws.on('error', () => {});
        ws.once('open', () => send(ws));
        ws.once('close', (code) => resolve(code));
      });
    expect(await closeCode((ws) => ws.send(Buffer.alloc(17 * 1024 * 1024, 0x20)))).toBe(1009);
    // A text frame with invalid UTF-8, written raw (FIN + text opcode, masked, 2-byte payload 0xC3 0x28).
    expect(
      await closeCode((ws) => {
        const socket = (ws as unknown as { _socket: Socket })._socket;
        socket.write(Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28]));
      }),
    ).toBe(1007);
    const c = wsClient(base(), server.token);
    await c.opened;
    expect((await c.ops.app.info()).home).toBe(t.home);
    c.close();
  });

  it('opens log files for the browser console only inside the allowed directories (symlinks resolved)', async () => {
    const logs = join(t.home, 'logs');
    mkdirSync(logs, { recursive: true });
    writeFileSync(join(logs, 'app.log'), 'hello\n');
    const elsewhere = tempDir();
    const outside = join(elsewhere.dir, 'secret.log');
    writeFileSync(outside, 'not for the browser\n');
    symlinkSync(outside, join(logs, 'escape.log'));
    const c = wsClient(base(), server.token);
    await c.opened;
    try {
      expect((await c.ops.logFiles.open({ path: join(logs, 'app.log') })).lineCount).toBeGreaterThanOrEqual(0);
      for (const path of [outside, '/etc/passwd', join(logs, 'escape.log'), `${logs}/../../${outside}`]) {
        await expect(c.ops.logFiles.open({ path }), path).rejects.toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/opens log files only from the directories it was started with .*--logs-dir/) });
      }
      // The local user (CLI, desktop window) opens what it chooses.
      expect((await t.ops.logFiles.open({ path: outside })).path).toBe(outside);
    } finally {
      c.close();
      await t.core.logFiles.closeAll();
      elsewhere.cleanup();
    }
  });

  it('carries the same typed calls and events as the other transports', async () => {
    const c = wsClient(base(), server.token);
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
