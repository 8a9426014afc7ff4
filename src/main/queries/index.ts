// The verification query library: catalogue, read-only executor, pg_stat_statements,
// saved queries and CSV export.
export { catalogue, catalogueByGroup, getCatalogueQuery, runCatalogueQuery } from './catalogue.ts';
export { toCsv, csvField, type CsvOptions } from './csv.ts';
export { bindParams, validateDeclaredParams } from './params.ts';
export { enablePgStatStatements, extensionStatus, type EnableResult, type ExtensionStatus } from './pg-stat-statements.ts';
export { DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_MS, runDeclared, runReadOnly, type DeclaredQuery } from './run-query.ts';
export { savedQueryStoreMigrations, SavedQueryService, validateSavedQuery, type SavedQuery, type SavedQueryFields } from './saved-queries.ts';
export { checkReadOnlySql } from './sql-guard.ts';
export { PARAM_TYPES, QUERY_GROUPS, type CatalogueQuery, type ParamType, type QueryGroup, type QueryParam, type QueryResult, type ResultColumn, type RunOptions } from './types.ts';
