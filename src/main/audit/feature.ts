import type { Feature } from '../core/feature.ts';
import { AuditLog } from './audit-log.ts';

export const auditFeature = {
  name: 'audit',
  warehouseMigrations: {
    feature: 'audit',
    migrations: [
      {
        version: 1,
        name: 'audit log',
        sql: `
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  subject text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_action_idx ON audit_log (action, at DESC);
`,
      },
    ],
  },
  create(s) {
    const audit = new AuditLog(s.warehouse);
    return { services: { audit }, handlers: () => ({ 'audit.list': (f) => audit.list(f) }) };
  },
} satisfies Feature;
