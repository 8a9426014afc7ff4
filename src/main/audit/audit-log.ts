import { hostname, userInfo } from 'node:os';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
}

/** Who is at the keyboard: the OS account and machine (the console has no logins of its own). */
export function operator(): string {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // no passwd entry (containers): keep "unknown"
  }
  return `${name}@${hostname()}`;
}

/**
 * An append-only record in the warehouse of decisions an operator made that change what the
 * console does unattended: budget overrides, silences, acknowledgements, channel and rule edits.
 */
export class AuditLog {
  private readonly warehouse: WarehouseService;
  constructor(warehouse: WarehouseService) {
    this.warehouse = warehouse;
  }

  async record(e: { action: string; subject: string; details?: Record<string, unknown>; actor?: string }): Promise<AuditEntry> {
    const pool = await this.warehouse.pool();
    const { rows } = await pool.query('INSERT INTO audit_log (actor, action, subject, details) VALUES ($1, $2, $3, $4) RETURNING *', [e.actor ?? operator(), e.action, e.subject, JSON.stringify(e.details ?? {})]);
    return toEntry(rows[0]);
  }

  async list(f: { action?: string; limit: number }): Promise<AuditEntry[]> {
    const pool = await this.warehouse.pool();
    const { rows } = await pool.query('SELECT * FROM audit_log WHERE ($1::text IS NULL OR action LIKE $1 || \'%\') ORDER BY id DESC LIMIT $2', [f.action ?? null, f.limit]);
    return rows.map(toEntry);
  }
}

const toEntry = (r: { id: number; at: Date; actor: string; action: string; subject: string; details: Record<string, unknown> }): AuditEntry => ({ id: Number(r.id), at: r.at.toISOString(), actor: r.actor, action: r.action, subject: r.subject, details: r.details });
