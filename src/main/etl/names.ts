import { qualified } from '../warehouse/identifiers.ts';

const NAMES = [
  'authors', 'repo_prs', 'author_metrics_daily', 'author_metrics_window', 'author_prs_window', 'author_file_ownership',
  'etl_pr_sources', 'etl_pr_files', 'etl_changes', 'etl_state', 'etl_path_flags', 'author_metrics_daily_active', 'author_metrics_span', 'etl_pr_owned',
  'pull_requests', 'pr_files', 'repositories', 'contributors',
] as const;
export type TableName = (typeof NAMES)[number];

/** Every table the ETL reads or writes, schema-qualified and quoted. */
export const tablesOf = (schema: string): Record<TableName, string> => Object.fromEntries(NAMES.map((n) => [n, qualified(schema, n)])) as Record<TableName, string>;

/** The Engineer Lens tables, in the order they are refreshed (ownership before the windows that count on it). */
export const ENGINEER_TABLES = ['authors', 'author_metrics_daily', 'author_file_ownership', 'author_metrics_window', 'author_prs_window'] as const;
export type EngineerTable = (typeof ENGINEER_TABLES)[number];

/** What the Repo's windows; 999 stands for all time. */
export const WINDOWS = [7, 15, 30, 60, 90, 999] as const;
export const ALL_TIME = 999;
