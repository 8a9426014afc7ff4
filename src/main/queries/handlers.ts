import type { HandlerGroup } from '../rpc/types.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import { runAdhoc, schemaBrowser } from './adhoc.ts';
import { operatorSqlProtection } from './operator-sql.ts';
import { catalogue, enablePgStatStatements, extensionStatus, getCatalogueQuery, runCatalogueQuery, toCsv, type SavedQueryService } from './index.ts';

export function queryHandlers(warehouse: WarehouseService, saved: SavedQueryService): HandlerGroup<'queries'> {
  const pool = async () => (await warehouse.connection()).pool;
  return {
    'queries.catalogue': () => catalogue.map((q) => ({ ...q, params: q.params.map((p) => ({ ...p })) })),
    'queries.run': async ({ id, params }) => runCatalogueQuery(await pool(), id, params),
    'queries.csv': async ({ id, saved: isSaved, params }) => {
      const result = isSaved ? await saved.run(await pool(), id, params) : await runCatalogueQuery(await pool(), id, params);
      const name = isSaved ? saved.get(id).name : getCatalogueQuery(id).id;
      return { filename: `${name.replace(/[^\w.-]+/g, '-')}.csv`, content: toCsv(result), rows: result.rowCount };
    },
    'queries.adhoc': async (req) => runAdhoc(await pool(), req),
    'queries.schema': async () => schemaBrowser(await pool()),
    'queries.saved': () => saved.list(),
    'queries.save': ({ id, ...fields }) => (id ? saved.update(id, fields) : saved.create(fields)),
    'queries.deleteSaved': ({ id }) => {
      saved.delete(id);
      return { ok: true as const };
    },
    'queries.runSaved': async ({ id, params }) => saved.run(await pool(), id, params),
    'queries.protection': async () => operatorSqlProtection(await pool()),
    'queries.extension': async () => extensionStatus(await pool()),
    'queries.enableExtension': async () => enablePgStatStatements(await pool()),
  };
}
