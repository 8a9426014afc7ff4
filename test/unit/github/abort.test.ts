import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubClient } from '../../../src/main/github/client.ts';
import { Logger, type LogRecord } from '../../../src/main/logging/logger.ts';
import { Redactor } from '../../../src/main/logging/redact.ts';

// Issue 10 (minor): pausing or cancelling a run must not log Octokit's "500 … UNKNOWN" for the aborted request.
let server: Server;
let url = '';
beforeAll(async () => {
  // Never answers: the request is in flight when the run is paused.
  server = createServer(() => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function client(signal?: AbortSignal) {
  const records: LogRecord[] = [];
  const logger = new Logger({ sinks: [{ write: (r) => records.push(r) }], redactor: new Redactor() });
  return { gh: new GitHubClient({ baseUrl: url, token: 'ghp_test_token_000000', logger, signal }), records };
}

describe('GitHub client: an abort is not an error', () => {
  it('a request stopped by pause or cancel ends as "cancelled" and logs no octokit_error', async () => {
    const controller = new AbortController();
    const { gh, records } = client(controller.signal);
    const pending = gh.graphql('query { viewer { login } }', {}).catch((e: unknown) => e);
    setTimeout(() => controller.abort(new Error('Paused by the operator')), 100);
    const err = (await pending) as { code?: string; message: string };
    expect(err).toMatchObject({ code: 'cancelled' });
    expect(records.filter((r) => r.event === 'octokit_error')).toEqual([]);
    expect(records.map((r) => `${r.level} ${r.event} ${r.msg}`).join('\n')).not.toMatch(/500|UNKNOWN/);
    expect(records.some((r) => r.event === 'github_request_stopped' && r.level === 'debug')).toBe(true);
  });

  it('a real failure is still logged', async () => {
    const records: LogRecord[] = [];
    const down = new GitHubClient({ baseUrl: 'http://127.0.0.1:9', token: 'ghp_test_token_000000', logger: new Logger({ sinks: [{ write: (r) => records.push(r) }], redactor: new Redactor() }) });
    await expect(down.graphql('query { viewer { login } }', {})).rejects.toMatchObject({ code: 'unavailable' });
    expect(records.some((r) => r.event === 'octokit_error')).toBe(true);
  });
});
