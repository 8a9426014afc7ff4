import { z } from 'zod';
import { call } from './define.ts';
import { id, noInput, ok } from './common.ts';

export const QueryParamDef = z.object({ name: z.string().regex(/^[a-z_][a-z0-9_]*$/i, 'letters, digits and _'), type: z.enum(['repository', 'text', 'int', 'interval', 'date']), label: z.string(), default: z.union([z.string(), z.number()]).optional() });

export const CatalogueEntry = z.object({ id: z.string(), title: z.string(), group: z.string(), description: z.string(), source: z.string(), sql: z.string(), params: z.array(QueryParamDef), needs: z.string().optional() });
export type CatalogueEntry = z.infer<typeof CatalogueEntry>;

export const QueryResult = z.object({ columns: z.array(z.object({ name: z.string(), type: z.string() })), rows: z.array(z.array(z.unknown())), rowCount: z.number().int(), truncated: z.boolean(), ms: z.number() });
export type QueryResult = z.infer<typeof QueryResult>;

export const SavedQuery = z.object({ id, name: z.string(), description: z.string(), sql: z.string(), params: z.array(QueryParamDef), timeoutMs: z.number().nullable(), createdAt: z.string(), updatedAt: z.string() });
export type SavedQuery = z.infer<typeof SavedQuery>;

const values = z.record(z.string(), z.union([z.string(), z.number()])).default({});
const SavedFields = z.object({ name: z.string().trim().min(1, 'name is required').max(120), description: z.string().max(2000).default(''), sql: z.string().trim().min(1, 'SQL is empty').max(100_000), params: z.array(QueryParamDef).max(20).default([]), timeoutMs: z.number().int().min(100).max(600_000).nullable().default(null) });

export const ExtensionStatus = z.object({ available: z.boolean(), installed: z.boolean(), version: z.string().nullable(), schema: z.string().nullable(), onSearchPath: z.boolean(), usable: z.boolean(), problem: z.string().nullable(), canInstall: z.boolean(), preloaded: z.boolean().nullable(), preloadAdvice: z.string().nullable() });

export const OperatorSqlProtection = z.object({ role: z.string().nullable(), active: z.boolean(), detail: z.string() });
export type OperatorSqlProtection = z.infer<typeof OperatorSqlProtection>;

export const SchemaTable = z.object({ schema: z.string(), name: z.string(), kind: z.enum(['table', 'view', 'materialized view', 'foreign table', 'partitioned table']), estimatedRows: z.number().nullable(), columns: z.array(z.object({ name: z.string(), type: z.string(), nullable: z.boolean() })) });
export type SchemaTable = z.infer<typeof SchemaTable>;

export const queryCalls = {
  'queries.adhoc': call(
    'Run ad-hoc SQL under the saved queries’ read-only guard (one statement, no writes, side-effect-free functions), optionally as EXPLAIN or EXPLAIN ANALYZE',
    z.object({ sql: z.string().trim().min(1, 'SQL is empty').max(100_000), explain: z.enum(['none', 'plan', 'analyze']).default('none'), timeoutMs: z.number().int().min(100).max(600_000).default(10_000) }),
    QueryResult,
  ),
  'queries.schema': call('The warehouse’s tables, views and their columns, for the SQL editor’s schema browser', noInput, z.array(SchemaTable)),
  'queries.catalogue': call('Every verification query from the runbooks', noInput, z.array(CatalogueEntry)),
  'queries.run': call('Run a catalogue query read-only (bound parameters, statement timeout)', z.object({ id: z.string(), params: values }), QueryResult),
  'queries.csv': call('A catalogue or saved query’s result as CSV', z.object({ id: z.string(), saved: z.boolean().default(false), params: values }), z.object({ filename: z.string(), content: z.string(), rows: z.number().int() })),
  'queries.saved': call('Queries operators saved', noInput, z.array(SavedQuery)),
  'queries.save': call('Save a query (checked to be read-only)', SavedFields.extend({ id: id.optional() }), SavedQuery),
  'queries.deleteSaved': call('Delete a saved query', z.object({ id }), ok),
  'queries.runSaved': call('Run a saved query read-only', z.object({ id, params: values }), QueryResult),
  'queries.protection': call('How saved queries are confined: the least-privilege role, if the server offers one', noInput, OperatorSqlProtection),
  'queries.extension': call('pg_stat_statements: available, installed, usable?', noInput, ExtensionStatus),
  'queries.enableExtension': call('CREATE EXTENSION pg_stat_statements (a write; confirm first)', z.object({ confirm: z.literal(true, 'confirm enabling the extension') }), z.object({ ran: z.array(z.string()), status: ExtensionStatus })),
};
