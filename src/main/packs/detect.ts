// A system's kind from what it has: its tables (each pack's signature) and its endpoints.
import type { Detection, SystemKind } from '../../shared/contract/systems.ts';
import type { Pack } from './types.ts';

export function detectKind(packs: readonly Pack[], tables: ReadonlySet<string>, endpointEvidence: Partial<Record<SystemKind, string[]>> = {}): Detection {
  const evidence = packs
    .filter((p) => p.signature.length)
    .map((p) => {
      const found = p.signature.filter((t) => tables.has(t)).map((t) => `table ${t}`);
      const extra = endpointEvidence[p.kind] ?? [];
      return { kind: p.kind, score: Math.round(((found.length / p.signature.length) * 0.8 + (extra.length ? 0.2 : 0)) * 100) / 100, found: [...found, ...extra] };
    })
    .sort((a, b) => b.score - a.score);
  const best = evidence[0];
  return { kind: best && best.score >= 0.4 ? best.kind : 'generic', evidence, tablesSeen: tables.size };
}
