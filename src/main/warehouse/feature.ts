import type { Feature } from '../core/feature.ts';
import { warehouseCoreMigrations } from './migrations.ts';
import { WarehouseService } from './warehouse-service.ts';

export const warehouseFeature = {
  name: 'warehouse',
  warehouseMigrations: warehouseCoreMigrations,
  create(s, { config, warehouseMigrations }) {
    const warehouse = new WarehouseService({ home: config.home, profiles: s.profiles, secrets: s.secrets, logger: s.logger.child({ component: 'warehouse' }), migrations: warehouseMigrations });
    return { services: { warehouse }, close: () => warehouse.close() };
  },
} satisfies Feature;
