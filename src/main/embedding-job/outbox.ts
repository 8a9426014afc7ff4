import type { Db } from '../store/database.ts';
import type { Candidate } from './candidates.ts';

export interface OutboxItem extends Omit<Candidate, 'text'> {
  vector: number[];
}

export interface OutboxBatch {
  /** Unique across attempts (batch numbers start again on a resume); absent in batches of earlier versions. */
  id?: string;
  batchNo: number;
  items: OutboxItem[];
  tokens: number;
  requests: number;
  usd: number;
}

const encode = (v: number[]) => Buffer.from(new Float32Array(v).buffer).toString('base64');
const decode = (s: string) => {
  const b = Buffer.from(s, 'base64');
  return Array.from(new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4));
};

/**
 * Durable hand-off between the API answer and the writes to Milvus and the warehouse
 * (the local SQLite store survives a kill -9). Replayed first when a run resumes.
 */
export class EmbeddingOutbox {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  add(runId: string, b: OutboxBatch): void {
    const payload = JSON.stringify({ ...b, items: b.items.map((i) => ({ ...i, vector: encode(i.vector) })) });
    this.db.prepare('INSERT OR REPLACE INTO embedding_outbox (run_id, batch_no, payload, created_at) VALUES (?, ?, ?, ?)').run(runId, b.batchNo, payload, new Date().toISOString());
  }

  pending(runId: string): OutboxBatch[] {
    const rows = this.db.prepare('SELECT payload FROM embedding_outbox WHERE run_id = ? ORDER BY batch_no').all(runId) as { payload: string }[];
    return rows.map((r) => {
      const b = JSON.parse(r.payload) as Omit<OutboxBatch, 'items'> & { items: (Omit<OutboxItem, 'vector'> & { vector: string })[] };
      return { ...b, items: b.items.map((i) => ({ ...i, vector: decode(i.vector) })) };
    });
  }

  nextBatchNo(runId: string): number {
    return ((this.db.prepare('SELECT MAX(batch_no) AS m FROM embedding_outbox WHERE run_id = ?').get(runId) as { m: number | null }).m ?? -1) + 1;
  }

  remove(runId: string, batchNos: number[]): void {
    const del = this.db.prepare('DELETE FROM embedding_outbox WHERE run_id = ? AND batch_no = ?');
    this.db.transaction(() => batchNos.forEach((n) => del.run(runId, n)))();
  }
}
