import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeJsonLog } from '../helpers/log-file.ts';
import { startServe, wsClient, type ServeProcess } from '../helpers/serve-process.ts';
import { tempDir, waitFor } from '../helpers/temp.ts';

const tmp = tempDir();
let serve: ServeProcess | undefined;
afterAll(async () => {
  await serve?.stop('SIGKILL');
  tmp.cleanup();
});

describe('killing the core during log indexing', () => {
  it('resumes the indexing job from its checkpoint after a restart', async () => {
    const file = join(tmp.dir, 'big.log');
    const lines = writeJsonLog(file, 420 * 1024 * 1024);
    const size = statSync(file).size;
    const home = join(tmp.dir, 'home');

    serve = await startServe({ home, args: ['--logs-dir', tmp.dir] });
    let c = wsClient(serve.origin, serve.token);
    await c.opened;
    const opened = await c.ops.logFiles.open({ path: file });
    expect(opened.runId).toBeTruthy();
    const runId = opened.runId!;

    // Wait for a durable checkpoint, then kill -9 while the job is still running.
    const mid = await waitFor('a checkpoint mid-way', async () => {
      const run = await c.ops.jobs.get({ runId });
      if (run.status !== 'running') throw new Error(`job is ${run.status} before it could be killed`);
      return run.steps[0]?.checkpointAt ? run : null;
    }, 60_000, 10);
    expect(mid.progress.done).toBeLessThan(size);
    c.close();
    await serve.stop('SIGKILL');

    serve = await startServe({ home, args: ['--logs-dir', tmp.dir] });
    c = wsClient(serve.origin, serve.token);
    await c.opened;
    const done = await waitFor('the resumed run to finish', async () => {
      const run = await c.ops.jobs.get({ runId });
      return run.status === 'succeeded' || run.status === 'failed' ? run : null;
    }, 120_000, 100);
    expect(done).toMatchObject({ status: 'succeeded', attempt: 2 });

    const resumed = (await c.ops.logs.query({ runId, text: 'Resuming from checkpoint', limit: 5 })).entries;
    expect(resumed).toHaveLength(1);
    const cp = resumed[0]!.data.checkpoint as { indexedBytes: number; lines: number };
    expect(cp.indexedBytes).toBeGreaterThan(0);
    expect(cp.indexedBytes).toBeLessThan(size);
    const interrupted = (await c.ops.logs.query({ runId, event: 'job_interrupted', limit: 5 })).entries;
    expect(interrupted).toHaveLength(1);

    const state = await c.ops.logFiles.open({ path: file });
    expect(state).toMatchObject({ lineCount: lines, indexedBytes: size, indexing: false });
    const last = await c.ops.logFiles.lines({ fileId: state.fileId, start: lines - 1, count: 5 });
    expect(last.lines).toHaveLength(1);
    expect(last.lines[0]!.text).toContain(`processed item ${lines - 1} of`);
    const hit = await c.ops.logFiles.search({ fileId: state.fileId, query: `req-${(lines - 7).toString(36)}` });
    expect(hit.matches.map((m) => m.n)).toEqual([lines - 7]);
    c.close();
  });
});
