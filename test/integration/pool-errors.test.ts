// A warehouse connection that dies while a feature holds it (a restart, a terminated backend) must
// not take the process down: the query that uses it next fails, with the reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createPool } from '../../src/main/warehouse/pool.ts';
import { createTestDatabase } from '../helpers/postgres.ts';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase('poolerr');
}, 60_000);
afterAll(async () => {
  await db?.drop();
});

describe('warehouse pool', () => {
  it('a checked-out client whose backend is terminated: no uncaught error, the next query reports it', async () => {
    const pool = createPool(db.url, { max: 2 });
    const uncaught: unknown[] = [];
    const record = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', record);
    try {
      // Checked out and idle, as a background loop holds it between its statements.
      const held = await pool.connect();
      const { rows: [me] } = await held.query('SELECT pg_backend_pid() AS pid');
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      await admin.query('SELECT pg_terminate_backend($1)', [me.pid]);
      await admin.end();
      // The client learns of it from its socket.
      await new Promise((r) => setTimeout(r, 300));
      await expect(held.query('SELECT 1')).rejects.toThrow();
      held.release(true);
      expect(uncaught).toEqual([]);
      // The pool goes on with a new connection.
      expect((await pool.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    } finally {
      process.off('uncaughtException', record);
      await pool.end();
    }
  });
});
