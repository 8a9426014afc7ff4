import { EMBEDDING_PRICES_PER_MTOK } from '../embeddings/pricing.ts';
import { DEFAULT_THRESHOLDS } from '../health/thresholds.ts';
import type { HandlerGroup } from '../rpc/types.ts';
import { SECRET_CATALOG } from '../secrets/catalog.ts';
import type { CoreConfig } from './config.ts';
import { VERSION } from './version.ts';

export function appHandlers(config: CoreConfig, startedAt: Date): HandlerGroup<'app'> {
  return {
    'app.info': () => ({
      name: 'Repo Ops' as const,
      version: VERSION,
      mode: config.mode,
      home: config.home,
      startedAt: startedAt.toISOString(),
      pid: process.pid,
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
    }),
    'app.settingDefaults': () => ({
      healthThresholds: DEFAULT_THRESHOLDS as unknown as Record<string, Record<string, number>>,
      embeddingPrices: { ...EMBEDDING_PRICES_PER_MTOK },
      rotationDays: Object.fromEntries(Object.entries(SECRET_CATALOG).map(([k, v]) => [k, v.rotateEveryDays])),
    }),
  };
}
