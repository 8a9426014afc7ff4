import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callNames, calls, topicNames } from '../../src/shared/contract/index.ts';
import { OpsError } from '../../src/shared/errors.ts';
import { startTestCore, type TestCore } from '../helpers/core.ts';

let t: TestCore;
beforeAll(async () => {
  t = await startTestCore();
});
afterAll(() => t.close());

/** Sends one raw frame to the core and returns its reply. */
function rawCall(frame: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    let onFrame: (raw: unknown) => void = () => {};
    t.core.rpc.connect({ send: (f) => resolve(f as Record<string, unknown>), onFrame: (h) => (onFrame = h), onClose: () => {} }, 'in-process');
    onFrame(frame);
  });
}

describe('contract and RPC', () => {
  it('derives one client function per declared call', () => {
    for (const name of callNames) {
      const [ns, m] = name.split('.') as [string, string];
      expect(typeof (t.ops as unknown as Record<string, Record<string, unknown>>)[ns]![m], name).toBe('function');
    }
    expect(topicNames).toContain('jobs.changed');
    expect(Object.keys(calls).length).toBe(callNames.length);
  });

  it('answers a valid call with output that matches the contract', async () => {
    const info = await t.ops.app.info();
    expect(info.name).toBe('Repo Ops');
    expect(info.home).toBe(t.home);
    expect(calls['app.info'].output.safeParse(info).success).toBe(true);
  });

  it('rejects invalid input with a typed error naming the field', async () => {
    const err = await t.ops.jobs.get({ runId: 42 as unknown as string }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpsError);
    expect((err as OpsError).code).toBe('invalid_input');
    expect((err as OpsError).message).toMatch(/^jobs\.get: runId: /);
  });

  it('rejects unknown keys in strict inputs', async () => {
    const err = await t.ops.settings.update({ theme: 'dark', bogus: 1 } as never).catch((e: unknown) => e);
    expect((err as OpsError).code).toBe('invalid_input');
    expect((err as OpsError).message).toMatch(/bogus/);
  });

  it('answers an unknown method and a malformed frame with errors, not a crash', async () => {
    expect(await rawCall({ kind: 'call', id: 7, method: 'nope.nothing', input: {} })).toMatchObject({ id: 7, ok: false, error: { code: 'unknown_method' } });
    expect(await rawCall({ kind: 'call', id: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await rawCall('not even an object')).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await rawCall({ kind: 'subscribe', id: 9, topic: 'no.topic' })).toMatchObject({ id: 9, ok: false, error: { code: 'unknown_method' } });
    expect((await t.ops.app.info()).name).toBe('Repo Ops');
  });

  it('maps not-found conditions to a clear error', async () => {
    const err = await t.ops.jobs.get({ runId: 'does-not-exist' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'not_found', message: 'No job run with id does-not-exist' });
  });

  it('delivers subscribed events and stops after unsubscribe', async () => {
    const seen: string[] = [];
    const off = t.ops.subscribe('logs.line', { minLevel: 'warn' }, (e) => seen.push(e.event));
    await new Promise((r) => setTimeout(r, 20));
    t.core.logger.info('quiet_event');
    t.core.logger.warn('loud_event');
    await new Promise((r) => setTimeout(r, 50));
    off();
    t.core.logger.warn('after_unsubscribe');
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual(['loud_event']);
  });

  it('validates subscription filters', async () => {
    expect(await rawCall({ kind: 'subscribe', id: 3, topic: 'logs.line', filter: { minLevel: 'loud' } })).toMatchObject({ id: 3, ok: false, error: { code: 'invalid_input' } });
  });
});
