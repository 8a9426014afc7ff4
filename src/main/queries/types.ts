// Shapes shared by the catalogue, the executor and saved queries.

export const PARAM_TYPES = ['repository', 'text', 'int', 'interval', 'date'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

/** A declared query parameter; its value is bound as $<position>, never spliced into the SQL. */
export interface QueryParam {
  name: string;
  type: ParamType;
  label: string;
  default?: string | number;
}

export const QUERY_GROUPS = ['coverage', 'embeddings', 'activity', 'sync', 'data-quality', 'workspaces', 'statistics', 'performance', 'storage', 'indexes', 'server'] as const;
export type QueryGroup = (typeof QUERY_GROUPS)[number];

export interface CatalogueQuery {
  id: string;
  title: string;
  group: QueryGroup;
  description: string;
  /** Runbook file and section the check comes from, plus what was adapted. */
  source: string;
  sql: string;
  params: QueryParam[];
  needs?: 'pg_stat_statements';
  /** Overrides the executor's default statement timeout (2 s). */
  timeoutMs?: number;
}

export interface ResultColumn {
  name: string;
  /** Postgres type name as format_type() prints it, e.g. "bigint", "timestamp with time zone". */
  type: string;
}

/** A JSON-safe result: bigint/numeric become numbers when exact, else strings; timestamps ISO 8601. */
export interface QueryResult {
  columns: ResultColumn[];
  rows: unknown[][];
  rowCount: number;
  truncated: boolean;
  ms: number;
}

export interface RunOptions {
  /** Statement timeout; default 2,000 ms (the runbooks' target for direct queries). */
  timeoutMs?: number;
  /** Rows kept; more are not fetched and `truncated` is set. Default 10,000. */
  maxRows?: number;
  /** Names the query in error messages ("Embedding coverage timed out after …"). */
  label?: string;
  /**
   * Operator SQL (saved queries): only allow-listed functions, a least-privilege role where
   * the server offers one, and its connection discarded afterwards (operator-sql.ts).
   */
  operator?: boolean;
}
