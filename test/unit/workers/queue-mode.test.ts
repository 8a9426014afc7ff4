// Which queue a console uses: the warehouse queue on a team's Postgres, its own on the embedded one.
import { describe, expect, it } from 'vitest';
import { consoleQueue } from '../../../src/main/workers/queue-mode.ts';

describe('console queue choice', () => {
  it('a console on a team warehouse joins; on the embedded one it stays the only worker', () => {
    expect(consoleQueue('serve', {}, true)).toMatchObject({ join: true, why: expect.stringMatching(/team Postgres/) });
    expect(consoleQueue('electron', {}, false)).toMatchObject({ join: false, why: expect.stringMatching(/embedded warehouse/) });
    expect(consoleQueue('electron', { REPO_OPS_QUEUE: 'auto' }, true).join).toBe(true);
  });

  it('REPO_OPS_QUEUE overrides either way; a bad value keeps the in-process queue and says why', () => {
    expect(consoleQueue('serve', { REPO_OPS_QUEUE: 'pg-boss' }, false).join).toBe(true);
    expect(consoleQueue('serve', { REPO_OPS_QUEUE: 'local' }, true).join).toBe(false);
    expect(consoleQueue('serve', { REPO_OPS_QUEUE: 'redis' }, true)).toEqual({ join: false, why: expect.stringMatching(/"redis" is not pg-boss, local or auto/) });
  });

  it('one-shot CLI commands and tests never join by themselves', () => {
    expect(consoleQueue('cli', { REPO_OPS_QUEUE: 'pg-boss' }, true).join).toBe(false);
    expect(consoleQueue('test', {}, true).join).toBe(false);
  });
});
