import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubClient } from '../../../src/main/github/client.ts';
import { Logger } from '../../../src/main/logging/logger.ts';
import { Redactor } from '../../../src/main/logging/redact.ts';
import { RateBudgets } from '../../../src/main/rate-budgets/rate-budgets.ts';
import { describePgError } from '../../../src/main/warehouse/pg-errors.ts';
import { createPool } from '../../../src/main/warehouse/pool.ts';

// The shared rate budget lives in the warehouse. With the warehouse down, a sync's requests fail
// before they leave: the message must name Postgres, not say GitHub is unreachable.
let server: Server;
let url = '';
let served = 0;
beforeAll(async () => {
  server = createServer((_req, res) => {
    served++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { viewer: { login: 'octo' } } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('GitHub client: a shared budget that cannot be read', () => {
  it('fails with the warehouse named, while GitHub itself is up', async () => {
    const logger = new Logger({ sinks: [], redactor: new Redactor() });
    const warehouse = 'postgres://repo_ops@127.0.0.1:9/warehouse';
    const pool = createPool(warehouse, { connectTimeoutMs: 2000 });
    try {
      const gate = await new RateBudgets({ pool: async () => pool, logger, holder: 'test', describeError: (e) => describePgError(e, warehouse) }).gate('github', 'ghp_test_token_000000', { concurrent: 2 });
      await expect(gate.acquire([])).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/^Postgres at 127\.0\.0\.1:9\/warehouse is unreachable \(ECONNREFUSED\)/) });
      const gh = new GitHubClient({ baseUrl: url, token: 'ghp_test_token_000000', logger, gate });
      const err = (await gh.graphql('query Viewer { viewer { login } }', {}).catch((e: unknown) => e)) as { code?: string; message: string };
      expect(err.message).toMatch(/^Postgres at 127\.0\.0\.1:9\/warehouse is unreachable/);
      expect(err.message).not.toMatch(/GitHub/);
      expect(err).toMatchObject({ code: 'unavailable' });
      expect(served).toBe(0);
    } finally {
      await pool.end();
    }
  }, 30_000);
});
