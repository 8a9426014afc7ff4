import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FaultInjector } from './faults.ts';
import { embed } from './http.ts';
import { startOpenAIEmulator } from './server.ts';
import type { OpenAIEmulator } from './server.ts';

const MODEL = 'text-embedding-3-small';

describe('FaultInjector', () => {
  const fire = (inj: FaultInjector, n: number): number[] => {
    const hits: number[] = [];
    for (let i = 1; i <= n; i++) if (inj.next()) hits.push(i);
    return hits;
  };

  it('fires every Nth request and at listed requests', () => {
    expect(fire(new FaultInjector([{ kind: 'status', status: 500, every: 3 }]), 10)).toEqual([3, 6, 9]);
    expect(fire(new FaultInjector([{ kind: 'status', status: 503, atRequests: [2, 5] }]), 10)).toEqual([2, 5]);
    expect(fire(new FaultInjector([{ kind: 'status', status: 503, every: 2, times: 2 }]), 10)).toEqual([2, 4]);
  });

  it('draws probabilities from a seeded generator', () => {
    const a = fire(new FaultInjector([{ kind: 'status', status: 500, probability: 0.3, seed: 9 }]), 1000);
    const b = fire(new FaultInjector([{ kind: 'status', status: 500, probability: 0.3, seed: 9 }]), 1000);
    const c = fire(new FaultInjector([{ kind: 'status', status: 500, probability: 0.3, seed: 10 }]), 1000);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.length).toBeGreaterThan(250);
    expect(a.length).toBeLessThan(350);
  });

  it('picks the first matching fault', () => {
    const inj = new FaultInjector([
      { kind: '429', atRequests: [1] },
      { kind: 'status', status: 500, atRequests: [1, 2] },
    ]);
    expect(inj.next()?.kind).toBe('429');
    expect(inj.next()?.kind).toBe('status');
    expect(inj.next()).toBeUndefined();
  });
});

describe('injected faults over HTTP', () => {
  let emu: OpenAIEmulator;
  beforeAll(async () => {
    emu = await startOpenAIEmulator();
  });
  afterAll(() => emu.close());
  beforeEach(() => emu.resetStats());
  const send = (input = 'x'): ReturnType<typeof embed> => embed(emu.baseUrl, { model: MODEL, input, dimensions: 8 });

  it('answers 500 on every second request with a server_error body', async () => {
    emu.setOptions({ faults: [{ kind: 'status', status: 500, every: 2 }] });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await send(`text ${i}`)).status);
    expect(statuses).toEqual([200, 500, 200, 500]);
    const r = await send();
    expect(r.status).toBe(200);
    const failed = await send();
    expect(failed.json.error).toEqual({ message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null });
    expect(emu.stats.faultsInjected).toBe(3);
    expect(emu.stats.texts).toEqual(['text 0', 'text 2', 'x']);
  });

  it('answers 503 at the listed requests, counted from reconfiguration', async () => {
    emu.setOptions({ faults: [{ kind: 'status', status: 503, atRequests: [1, 3] }] });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await send()).status);
    expect(statuses).toEqual([503, 200, 503, 200]);
    expect(emu.stats.byStatus).toEqual({ 200: 2, 503: 2 });
  });

  it('injects rate-limit 429s with retry-after', async () => {
    emu.setOptions({ faults: [{ kind: '429', retryAfterSec: 2, atRequests: [1] }] });
    const r = await send();
    expect(r.status).toBe(429);
    expect(r.json.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
    expect(r.json.error.message).toContain('Please try again in 2s.');
    expect(r.headers.get('retry-after')).toBe('2');
    expect(r.headers.get('retry-after-ms')).toBe('2000');
    expect(r.headers.get('x-ratelimit-limit-requests')).toBe('10000');
    expect((await send()).status).toBe(200);
  });

  it('drops the connection', async () => {
    emu.setOptions({ faults: [{ kind: 'disconnect', atRequests: [1] }] });
    await expect(send()).rejects.toThrow();
    expect((await send()).status).toBe(200);
    expect(emu.stats.byStatus).toEqual({ 0: 1, 200: 1 });
  });

  it('is off once the faults are cleared', async () => {
    emu.setOptions({ faults: [] });
    for (let i = 0; i < 3; i++) expect((await send()).status).toBe(200);
  });
});
