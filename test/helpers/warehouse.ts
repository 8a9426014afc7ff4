import type pg from 'pg';
import { warehouseMigrationSets } from '../../src/main/core/compose.ts';
import { migrateWarehouse } from '../../src/main/warehouse/migrate.ts';
import { createPool } from '../../src/main/warehouse/pool.ts';

/** The console's schema in test and benchmark warehouses (the profile default). */
export const WAREHOUSE_SCHEMA = 'repo_ops';
/** For a pg.Client/Pool of a test that reads the warehouse's tables by their plain names. */
export const WAREHOUSE_OPTIONS = `-c search_path=${WAREHOUSE_SCHEMA},public`;

/** A pool on a warehouse database whose connections see the console's schema first, as the core's do. */
export const warehousePool = (url: string, max = 4): pg.Pool => createPool(url, { schema: WAREHOUSE_SCHEMA, max });

/** Every feature's warehouse migrations, as the core applies them on connect. */
export const migrateTestWarehouse = (pool: pg.Pool) => migrateWarehouse(pool, WAREHOUSE_SCHEMA, warehouseMigrationSets());
