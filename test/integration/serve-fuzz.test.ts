// A bounded, seeded fuzz of a running `repo-ops serve` (its own process): thousands of
// malformed HTTP requests, upgrade requests and WebSocket frames, with and without the
// token. Afterwards the process must still be alive and answer a normal call. The review
// crashed it with one request ("//a:b"), one bad %-escape, one oversized or non-UTF-8 frame.
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../helpers/random.ts';
import { startServe, wsClient, type ServeProcess } from '../helpers/serve-process.ts';
import { tempDir } from '../helpers/temp.ts';

const SEED = 0x5eed_0009;
const HTTP_REQUESTS = 3000;
const UPGRADES = 1000;
const WS_SESSIONS = 600; // × 1–12 frames each ≈ 3,900 frames
const PARALLEL = 40;
const SOCKET_MS = 400;

let serve: ServeProcess;
let tmp: ReturnType<typeof tempDir>;
let port: number;

beforeAll(async () => {
  tmp = tempDir('repo-ops-fuzz-');
  serve = await startServe({ home: join(tmp.dir, 'home'), entry: 'source' });
  port = Number(new URL(serve.origin).port);
}, 60_000);

afterAll(async () => {
  await serve?.stop();
  tmp?.cleanup();
});

type Rand = () => number;
const pick = <T,>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const bytes = (r: Rand, n: number) => Buffer.from(Array.from({ length: n }, () => int(r, 0, 255)));

const TARGETS = ['//a:b', '//a:b/c', '/%', '/%zz', '/%E0%A4%A', '/a%00b', '*', 'http://evil.example/', 'evil', '/.//evil.example', '/..//..//etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/rpc', '/rpc?x=%', '/assets/%c0%ae%c0%ae/', '/\\..\\..\\', `/${'a'.repeat(9000)}`, '/?token=x', '/#frag', '/\u00e9\u{1F4CA}', ''];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PRI', 'G\u00c9T', 'get', '', 'GET GET', 'X'.repeat(300)];
const SAFE_CALLS = ['app.info', 'jobs.list', 'jobs.get', 'logs.query', 'settings.get', 'profiles.list', 'queries.catalogue', 'nope.nope', '__proto__', 'constructor', 'toString', 'app.info.x'];

function target(r: Rand): string {
  if (r() < 0.2) return '/' + bytes(r, int(r, 1, 40)).toString('latin1').replace(/[\r\n ]/g, '');
  return pick(r, TARGETS);
}

function headerLines(r: Rand, auth: boolean, upgrade: boolean): string[] {
  const lines: string[] = [];
  const host = r() < 0.15 ? pick(r, ['evil.example', `localhost:${port + 1}`, '', `127.0.0.1:${port}, evil.example`]) : r() < 0.05 ? null : `127.0.0.1:${port}`;
  if (host !== null) lines.push(`Host: ${host}`);
  if (r() < 0.05) lines.push(`Host: 127.0.0.1:${port}`); // duplicated
  if (auth) lines.push(r() < 0.8 ? `Authorization: Bearer ${serve.token}` : `Sec-WebSocket-Protocol: repo-ops.v1, token.${serve.token}`);
  else if (r() < 0.3) lines.push(pick(r, ['Authorization: Bearer nope', 'Authorization: Basic Zm9vOmJhcg==', 'Sec-WebSocket-Protocol: token.', `Cookie: repo_ops_${port}=${serve.token}`, 'Authorization: Bearer ']));
  if (upgrade) {
    lines.push(pick(r, ['Upgrade: websocket', 'Upgrade: WebSocket', 'Upgrade: h2c', 'Upgrade: ']));
    lines.push(pick(r, ['Connection: Upgrade', 'Connection: keep-alive, Upgrade', 'Connection: close']));
    if (r() < 0.9) lines.push(`Sec-WebSocket-Version: ${pick(r, ['13', '8', 'x', ''])}`);
    if (r() < 0.9) lines.push(`Sec-WebSocket-Key: ${pick(r, ['dGhlIHNhbXBsZSBub25jZQ==', 'short', '', '!!!!!!!!!!!!!!!!!!!!!!!!'])}`);
    if (r() < 0.3) lines.push(`Origin: ${pick(r, ['http://evil.example', `http://127.0.0.1:${port}`, 'null', `http://localhost:${port + 1}`])}`);
  } else if (r() < 0.7) lines.push('Connection: close');
  if (r() < 0.1) lines.push(`X-Big: ${'b'.repeat(int(r, 100, 20_000))}`);
  if (r() < 0.1) lines.push(pick(r, ['Content-Length: 5', 'Content-Length: -1', 'Content-Length: 99999999999', 'Transfer-Encoding: chunked', 'Transfer-Encoding: chunked\r\nContent-Length: 3']));
  if (r() < 0.05) lines.push(pick(r, ['no colon here', ': empty name', 'Bad Header Name: x', '\tfolded: x']));
  return lines;
}

function httpRequest(r: Rand, auth: boolean, upgrade: boolean): Buffer {
  if (!upgrade && r() < 0.05) return bytes(r, int(r, 1, 200)); // not HTTP at all
  if (!upgrade && r() < 0.03) return Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
  const version = r() < 0.9 ? 'HTTP/1.1' : pick(r, ['HTTP/1.0', 'HTTP/0.9', 'HTTP/9.9', 'HTTX/1.1', '']);
  const method = upgrade ? 'GET' : pick(r, METHODS);
  const path = upgrade && r() < 0.5 ? pick(r, ['/rpc', '/rpc/', '/RPC', '//rpc', '/rpc%', '/rpc?token=x']) : target(r);
  const head = [`${method} ${path} ${version}`, ...headerLines(r, auth, upgrade)].join('\r\n');
  const end = r() < 0.05 ? '\r\n' : '\r\n\r\n'; // sometimes never finished
  const body = r() < 0.2 ? bytes(r, int(r, 0, 64)) : Buffer.alloc(0);
  return Buffer.concat([Buffer.from(head + end, 'latin1'), body]);
}

/** One WebSocket frame as a client writes it (masked unless told otherwise). */
function wsFrame(opcode: number, payload: Buffer, o: { fin?: boolean; mask?: boolean; rsv?: number; claimedLength?: number } = {}): Buffer {
  const b0 = ((o.fin ?? true) ? 0x80 : 0) | ((o.rsv ?? 0) << 4) | opcode;
  const len = o.claimedLength ?? payload.length;
  const mask = o.mask ?? true;
  let header: Buffer;
  if (len < 126) header = Buffer.from([b0, (mask ? 0x80 : 0) | len]);
  else if (len < 65536) header = Buffer.from([b0, (mask ? 0x80 : 0) | 126, len >> 8, len & 0xff]);
  else {
    header = Buffer.alloc(10);
    header[0] = b0;
    header[1] = (mask ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  if (!mask) return Buffer.concat([header, payload]);
  const key = Buffer.from([1, 2, 3, 4]);
  const masked = Buffer.from(payload.map((x, i) => x ^ key[i % 4]!));
  return Buffer.concat([header, key, masked]);
}

function randomFrame(r: Rand): Buffer {
  const k = r();
  if (k < 0.35) {
    const input = pick(r, [undefined, null, {}, [], 'x', 1, { runId: 'x' }, { limit: -1 }, { limit: 1e12 }, { __proto__: { polluted: true } }, { text: '%'.repeat(100) }]);
    const frame = r() < 0.8 ? { kind: pick(r, ['call', 'subscribe', 'unsubscribe', 'nope']), id: pick(r, [1, -1, 1.5, '1', null, 2 ** 60]), method: pick(r, SAFE_CALLS), topic: pick(r, ['logs.line', 'jobs.changed', 'nope']), input } : pick(r, ['[]', 'null', '"x"', '{', '{"kind":"call"}', '1e999']);
    return wsFrame(1, Buffer.from(typeof frame === 'string' ? frame : JSON.stringify(frame)));
  }
  if (k < 0.5) return wsFrame(1, bytes(r, int(r, 1, 40))); // text, usually invalid UTF-8 (1007)
  if (k < 0.6) return wsFrame(2, bytes(r, int(r, 0, 300))); // binary
  if (k < 0.68) return wsFrame(pick(r, [8, 9, 10]), bytes(r, int(r, 0, 200))); // control, sometimes > 125 bytes
  if (k < 0.74) return wsFrame(pick(r, [3, 4, 5, 6, 7, 11, 12, 15]), bytes(r, 4)); // reserved opcode
  if (k < 0.8) return wsFrame(1, Buffer.from('{}'), { rsv: int(r, 1, 7) });
  if (k < 0.86) return wsFrame(1, Buffer.from('{}'), { mask: false });
  if (k < 0.92) return wsFrame(pick(r, [0, 1]), Buffer.from('{"kind":'), { fin: false, claimedLength: r() < 0.5 ? undefined : 2 ** 40 });
  if (k < 0.96) return wsFrame(1, Buffer.alloc(0), { claimedLength: pick(r, [17 * 1024 * 1024, 2 ** 53 - 1]) });
  return bytes(r, int(r, 1, 20)); // not a frame
}

/** A whole HTTP response (head and Content-Length body) has arrived: no need to wait for the close. */
function complete(out: string): boolean {
  const end = out.indexOf('\r\n\r\n');
  if (end === -1 || out.startsWith('HTTP/1.1 101')) return false;
  const len = Number(/\r\ncontent-length: (\d+)/i.exec(out.slice(0, end))?.[1] ?? NaN);
  return Number.isFinite(len) && out.length >= end + 4 + len;
}

/** Writes chunks to a fresh connection and resolves when it closes or after SOCKET_MS. */
function exchange(chunks: Buffer[], untilHead = false): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    let sent = false;
    const s: Socket = connect(port, '127.0.0.1');
    const finish = () => {
      clearTimeout(timer);
      s.destroy();
      resolve(out);
    };
    const timer = setTimeout(finish, SOCKET_MS);
    s.on('error', () => {});
    s.on('close', finish);
    s.on('data', (d) => {
      out += d.toString('latin1');
      if (!untilHead && complete(out)) finish();
      // After the handshake answer, send the frames (only an accepted upgrade reads them).
      if (untilHead && !sent && out.includes('\r\n\r\n')) {
        sent = true;
        for (const c of chunks.slice(1)) s.write(c);
      }
    });
    s.on('connect', () => {
      s.write(chunks[0]!);
      if (!untilHead) for (const c of chunks.slice(1)) s.write(c);
    });
  });
}

/** PARALLEL workers drain the list: a slow socket holds up one worker, not a whole batch. */
async function inBatches<T>(items: T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

describe('repo-ops serve under fuzzing (seeded, bounded)', () => {
  it('survives thousands of malformed requests, upgrades and frames, then answers a normal call', async () => {
    const r = rng(SEED);
    const t0 = Date.now();
    const statuses = new Map<string, number>();
    const count = (resp: string) => {
      const s = /^HTTP\/1\.1 (\d{3})/.exec(resp)?.[1] ?? 'none';
      statuses.set(s, (statuses.get(s) ?? 0) + 1);
    };

    const http = Array.from({ length: HTTP_REQUESTS }, () => httpRequest(r, r() < 0.5, false));
    await inBatches(http, async (req) => count(await exchange([req])));

    const upgrades = Array.from({ length: UPGRADES }, () => [httpRequest(r, r() < 0.5, true), ...(r() < 0.3 ? [randomFrame(r)] : [])]);
    await inBatches(upgrades, async (chunks) => count(await exchange(chunks)));

    let frames = 0;
    const sessions = Array.from({ length: WS_SESSIONS }, () => {
      const auth = r() < 0.8;
      const handshake = Buffer.from(
        [`GET /rpc HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', ...(auth ? [`Authorization: Bearer ${serve.token}`] : [])].join('\r\n') + '\r\n\r\n',
      );
      const fs = Array.from({ length: int(r, 1, 12) }, () => randomFrame(r));
      frames += fs.length;
      return [handshake, ...fs];
    });
    await inBatches(sessions, async (chunks) => count(await exchange(chunks, true)));
    const seconds = (Date.now() - t0) / 1000;

    expect(serve.child.exitCode).toBeNull();
    expect(serve.child.signalCode).toBeNull();
    expect(frames).toBeGreaterThan(3000);
    // Every request got an answer or a clean close; none was answered with a 5xx.
    expect([...statuses.keys()].filter((s) => s.startsWith('5'))).toEqual([]);
    expect(statuses.get('101')).toBeGreaterThan(300); // the authenticated sessions really were accepted
    expect(seconds).toBeLessThan(60); // bounded (a hang would show here, not as a flaky timeout)

    const c = wsClient(serve.origin, serve.token);
    await c.opened;
    expect((await c.ops.app.info()).mode).toBe('serve');
    c.close();
    expect(await exchange([Buffer.from(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`)])).toMatch(/^HTTP\/1\.1 200/);
    expect(serve.output()).not.toMatch(/Fatal|uncaught|ERR_/i);
  }, 90_000);
});
