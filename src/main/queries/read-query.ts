// One statement over the extended protocol with a row limit: Postgres stops after
// `limit + 1` rows (portal suspended), so a huge result is never transferred. The
// extended protocol also makes the server refuse multiple statements in one string.
import type pg from 'pg';

interface Field {
  name: string;
  dataTypeID: number;
}

// pg's Connection as used here (its type lacks some message options).
interface Wire {
  parse(q: { text: string; name: string; types: string[] }, more: boolean): void;
  bind(b: { portal: string; statement: string; values: (string | null)[] }, more: boolean): void;
  describe(m: { type: string; name: string }, more: boolean): void;
  execute(e: { portal: string; rows: number }, more: boolean): void;
  flush(): void;
  sync(): void;
  sendCopyFail(msg: string): void;
}

/** A server error (ErrorResponse), as opposed to a lost connection. */
const fromServer = (e: unknown) => typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' && 'severity' in e;

export class ReadQuery implements pg.Submittable {
  fields: { name: string; oid: number }[] = [];
  rows: (string | null)[][] = [];
  /** More rows existed than the limit. */
  truncated = false;
  readonly done: Promise<void>;
  private readonly text: string;
  private readonly values: (string | null)[];
  private readonly limit: number;
  private settle!: (err?: unknown) => void;
  private settled = false;

  constructor(text: string, values: (string | null)[], limit: number) {
    this.text = text;
    this.values = values;
    this.limit = limit;
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = (err) => {
        if (this.settled) return;
        this.settled = true;
        if (err) reject(err);
        else resolve();
      };
    });
  }

  submit(connection: pg.Connection): void {
    const c = connection as unknown as Wire;
    c.parse({ text: this.text, name: '', types: [] }, false);
    c.bind({ portal: '', statement: '', values: this.values }, false);
    c.describe({ type: 'P', name: '' }, false);
    c.execute({ portal: '', rows: this.limit + 1 }, false);
    c.flush();
  }

  handleRowDescription(msg: { fields: Field[] }): void {
    this.fields = msg.fields.map((f) => ({ name: f.name, oid: f.dataTypeID }));
  }

  handleDataRow(msg: { fields: (string | null)[] }): void {
    if (this.rows.length < this.limit) this.rows.push(msg.fields);
    else this.truncated = true;
  }

  // The row limit was hit: stop here (Sync closes the portal) instead of fetching more.
  handlePortalSuspended(connection: pg.Connection): void {
    this.truncated = true;
    (connection as unknown as Wire).sync();
  }

  handleCommandComplete(_msg: unknown, connection: pg.Connection): void {
    (connection as unknown as Wire).sync();
  }

  handleEmptyQuery(connection: pg.Connection): void {
    (connection as unknown as Wire).sync();
  }

  handleReadyForQuery(): void {
    this.settle();
  }

  // After an ErrorResponse the server skips messages until Sync; the client has already
  // dropped this query, so the ReadyForQuery that follows unblocks the next one.
  handleError(err: unknown, connection: pg.Connection): void {
    if (fromServer(err)) (connection as unknown as Wire).sync();
    this.settle(err ?? new Error('query failed'));
  }

  handleCopyInResponse(connection: pg.Connection): void {
    (connection as unknown as Wire).sendCopyFail('COPY is not supported by verification queries');
  }

  handleCopyData(): void {}
}
