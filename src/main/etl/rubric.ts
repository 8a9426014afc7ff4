// What the Repo's risk rubric and What Shipped's feature rule, as SQL over the synced rows.
// Paths are matched case-insensitively (Postgres ARE). Bump RUBRIC_VERSION when a rule
// changes: every PR's content hash changes with it, so the next run restages everything.
export const RUBRIC_VERSION = 1;

export const PATTERNS = {
  config: String.raw`\.(ya?ml|json|toml|ini|cfg|conf|properties)$|(^|/)(dockerfile|docker-compose[^/]*|\.env[^/]*)$`,
  auth: String.raw`(^|[/_.-])(auth|authn|authz|authentication|authorization|oauth|login|logout|sessions?|secrets?|credentials?|passwords?|tokens?|permissions?|rbac|acl)([/_.-]|$)`,
  sql: String.raw`\.sql$|(^|/)(migrations?|migrate|ddl)(/|$)`,
  api: String.raw`(^|/)(api|apis|routes?|controllers?|endpoints?)(/|$)`,
  test: String.raw`(^|/)(tests?|__tests__|specs?|e2e)/|\.(test|spec)\.[a-z0-9]+$|_test\.[a-z0-9]+$`,
  secretFile: String.raw`(^|/)(\.env(\.[^/]*)?|[^/]*\.(pem|key|p12|pfx)|id_(rsa|ed25519)[^/]*|credentials(\.[a-z]+)?|secrets?\.(ya?ml|json|env|txt))$`,
  dropDdl: String.raw`drop\s+(table|column)`,
  featureLabel: String.raw`(^|[^a-z])(feature|feat|enhancement)s?([^a-z]|$)`,
  featureWords: String.raw`\m(feature|add|implement|new|support|enable|introduce|create|build|develop|enhance|improve|upgrade)\M`,
} as const;

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
export const P = Object.fromEntries(Object.entries(PATTERNS).map(([k, v]) => [k, lit(v)])) as Record<keyof typeof PATTERNS, string>;

/** A path's rubric flags (the regular expressions: the costly part), computed once per path and rubric version. */
export const PATH_FLAGS = (path: string) => `${path} ~* ${P.config} AS cfg, ${path} ~* ${P.auth} AS auth, ${path} ~* ${P.sql} AS sqlf,
  ${path} ~* ${P.api} AS api, ${path} ~* ${P.test} AS test, ${path} ~* ${P.secretFile} AS secret_file`;

/**
 * One file's score (0–10) and reasons. Expects `f` (path, additions, deletions, change_type),
 * `pf` (its path's flags, PATH_FLAGS) and `c` (drops_ddl: the PR's title or body drops a table
 * or column) in scope; yields `score` and `reasons` (text[]: jsonb per file row cost more than the
 * scoring) through LATERAL joins named m, z, k.
 */
export const FILE_RISK_LATERAL = `
CROSS JOIN LATERAL (SELECT f.additions + f.deletions AS lines,
  pf.cfg, pf.auth, pf.sqlf, pf.api, pf.test,
  (f.change_type = 'added' AND pf.secret_file) AS secret_added,
  (f.change_type IN ('deleted', 'removed') AND pf.auth) AS auth_removed,
  (pf.sqlf AND c.drops_ddl) AS drops) m
CROSS JOIN LATERAL (SELECT CASE WHEN m.lines <= 10 THEN 0 WHEN m.lines <= 100 THEN 1 WHEN m.lines <= 400 THEN 2 ELSE 3 END AS size) z
CROSS JOIN LATERAL (SELECT
  CASE WHEN m.secret_added OR m.auth_removed OR m.drops
    THEN greatest(8, least(10, greatest(0, z.size + 2 * m.cfg::int + 2 * m.auth::int + 3 * m.sqlf::int + 3 * m.api::int - 2 * m.test::int)))
    ELSE least(10, greatest(0, z.size + 2 * m.cfg::int + 2 * m.auth::int + 3 * m.sqlf::int + 3 * m.api::int - 2 * m.test::int)) END AS score,
  array_remove(ARRAY[
    CASE WHEN z.size > 0 THEN format('size: %s lines +%s', m.lines, z.size) END,
    CASE WHEN m.cfg THEN 'configuration file +2' END,
    CASE WHEN m.auth THEN 'auth/secrets path +2' END,
    CASE WHEN m.sqlf THEN 'SQL/DDL/migration +3' END,
    CASE WHEN m.api THEN 'public API route +3' END,
    CASE WHEN m.test THEN 'tests only -2' END,
    CASE WHEN m.secret_added THEN 'adds a secrets file: at least 8' END,
    CASE WHEN m.auth_removed THEN 'removes auth code: at least 8' END,
    CASE WHEN m.drops THEN 'drops a table or column: at least 8' END
  ], NULL) AS reasons,
  (f.change_type = 'added' AND m.test) AS test_added) k`;

/**
 * A PR's score from per-PR aggregates of its files (nfiles, mean = line-weighted mean or plain
 * mean when no file changed a line, maxscore, tests_added): lifted to at least 8.5 (cap 10) when
 * a file scores 8 or more, 0.5 off when it adds tests, rounded to one decimal. No files: 0.
 */
export const PR_SCORE = `CASE WHEN a.nfiles = 0 THEN 0::numeric ELSE round(greatest(0::numeric,
  (CASE WHEN a.maxscore >= 8 THEN least(10::numeric, greatest(8::numeric, a.mean) + 0.5) ELSE a.mean END)
  - CASE WHEN a.tests_added THEN 0.5 ELSE 0 END), 1) END`;

/** What Shipped's rule: `feature_rule` and `feature_confidence` from labels, title, body and risk. */
export const featureRule = (labels: string, title: string, body: string, risk: string) => `
CASE WHEN EXISTS (SELECT 1 FROM unnest(${labels}) l WHERE l ~* ${P.featureLabel}) THEN 'label'
  WHEN ${title} ~* ${P.featureWords} THEN 'title_keyword'
  WHEN coalesce(${body}, '') ~* ${P.featureWords} THEN 'body_keyword'
  WHEN cardinality(${labels}) = 0 AND ${risk} < 3 THEN 'low_risk_unlabeled'
  ELSE 'excluded' END`;

export const FEATURE_CONFIDENCE = `CASE r.feature_rule WHEN 'label' THEN 0.9 WHEN 'title_keyword' THEN 0.7 WHEN 'body_keyword' THEN 0.6 WHEN 'low_risk_unlabeled' THEN 0.3 ELSE 0 END`;
