import type { GqlPage, GqlRelease } from '../github/graphql-types.ts';
import { RELEASE_PAGE_QUERY } from '../github/queries.ts';
import { OpsError } from '../../shared/errors.ts';
import { sizedQuery } from '../github/resilient-query.ts';
import { inTransaction } from '../warehouse/pool.ts';
import { Contributors, type ContributorRow } from './rows.ts';
import type { StreamDeps } from './stream.ts';
import { json, saveCursor, upsertContributors, type StreamCursor } from './writer.ts';

const UPSERT_RELEASES = `
INSERT INTO releases AS r (github_id, node_id, repository_id, tag_name, name, author_id, is_draft, is_prerelease, created_at, published_at, synced_at)
SELECT x.github_id, x.node_id, $2, x.tag_name, x.name, c.id, x.is_draft, x.is_prerelease, x.created_at, x.published_at, now()
FROM json_to_recordset($1::json) AS x(github_id bigint, node_id text, tag_name text, name text, author bigint, is_draft boolean, is_prerelease boolean,
  created_at timestamptz, published_at timestamptz)
LEFT JOIN contributors c ON c.github_id = x.author
ON CONFLICT (github_id) DO UPDATE SET
  node_id = EXCLUDED.node_id, repository_id = EXCLUDED.repository_id, tag_name = EXCLUDED.tag_name, name = EXCLUDED.name, author_id = EXCLUDED.author_id,
  is_draft = EXCLUDED.is_draft, is_prerelease = EXCLUDED.is_prerelease, created_at = EXCLUDED.created_at, published_at = EXCLUDED.published_at, synced_at = now()`;

/** Release rows; a release whose author's account is gone lands on the ghost, like PR authors. */
export function releaseRows(nodes: GqlRelease[]): { contributors: ContributorRow[]; releases: Record<string, unknown>[] } {
  const people = new Contributors();
  const releases = nodes.map((r) => ({
    github_id: r.databaseId,
    node_id: r.id,
    tag_name: r.tagName,
    name: r.name,
    author: people.add(r.author, r.publishedAt ?? r.createdAt),
    is_draft: r.isDraft,
    is_prerelease: r.isPrerelease,
    created_at: r.createdAt,
    published_at: r.publishedAt,
  }));
  return { contributors: people.rows(), releases };
}

/**
 * Pages every release (oldest first) into `releases`, each page committed with the stream cursor.
 * Always a whole pass: releases are few, and a draft published later keeps its creation date, so
 * no date mark could find it. At the end, releases this run did not see were deleted on GitHub.
 */
export async function syncReleases(deps: StreamDeps, pruneBefore: Date, start: StreamCursor): Promise<StreamCursor> {
  const state = { ...start };
  if (state.done) return state;
  for (;;) {
    deps.beforeFetch?.();
    const { data, size } = await sizedQuery<{ repository: { releases: GqlPage<GqlRelease> } | null }>({
      client: deps.github,
      log: deps.log,
      signal: deps.signal,
      what: `${deps.owner}/${deps.name} releases`,
      size: state.pageSize,
      build: (first) => ({ query: RELEASE_PAGE_QUERY, variables: { owner: deps.owner, name: deps.name, first, after: state.cursor } }),
    });
    const page = data.repository?.releases;
    if (!page) throw new OpsError('not_found', `${deps.owner}/${deps.name}: repository not found or token lacks access`);
    const rows = releaseRows(page.nodes);
    const hasMore = page.pageInfo.hasNextPage && page.pageInfo.endCursor !== null;
    const next: StreamCursor = {
      ...state,
      pageSize: size,
      cursor: hasMore ? page.pageInfo.endCursor : state.cursor,
      pages: state.pages + 1,
      rows: state.rows + rows.contributors.length + page.nodes.length,
      items: state.items + page.nodes.length,
      done: !hasMore,
    };
    const t0 = performance.now();
    await upsertContributors(deps.pool, deps.url, rows.contributors);
    await inTransaction(deps.pool, deps.url, async (client) => {
      if (rows.releases.length) await client.query(UPSERT_RELEASES, [json(rows.releases), state.repositoryId]);
      if (!hasMore) {
        const gone = await client.query('DELETE FROM releases WHERE repository_id = $1 AND synced_at < $2', [state.repositoryId, pruneBefore]);
        if (gone.rowCount) deps.log.info('releases_pruned', `${gone.rowCount} releases were deleted on GitHub`, { removed: gone.rowCount });
      }
      await saveCursor(client, next);
      await deps.onCommit?.(client);
    });
    Object.assign(state, next);
    deps.onPage({ stream: 'releases', items: page.nodes.length, rows: rows.contributors.length + page.nodes.length, totalCount: page.totalCount, writeMs: performance.now() - t0 });
    if (state.done) return state;
  }
}
