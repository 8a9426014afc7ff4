import { ToggleGroup } from 'radix-ui';
import { useEffect, useState } from 'react';
import { ops } from '../../client/ops.ts';
import { formatNumber, plural } from '../../lib/format.ts';
import { attempt } from '../../state/app-store.ts';
import { useJobs } from '../../state/jobs-store.ts';
import { CollectionsPanel } from './CollectionsPanel.tsx';
import { EmbedDialog } from './EmbedDialog.tsx';

type Result = Awaited<ReturnType<typeof ops.vectors.search>>;

export function SearchPage() {
  const [query, setQuery] = useState('');
  const [repository, setRepository] = useState('');
  const [types, setTypes] = useState<('pr' | 'issue')[]>([]);
  const [result, setResult] = useState<Result | null>(null);
  const [busy, setBusy] = useState(false);
  const [repos, setRepos] = useState<string[]>([]);
  const [embedding, setEmbedding] = useState(false);
  useEffect(() => {
    ops.repos.list().then((r) => setRepos(r.map((x) => x.fullName)), () => {});
  }, []);
  const search = async () => {
    if (!query.trim()) return;
    setBusy(true);
    setResult((await attempt('Search', () => ops.vectors.search({ query, repository: repository || undefined, itemTypes: types.length ? types : undefined, limit: 20 }))) ?? null);
    setBusy(false);
  };
  return (
    <div className="page">
      <div className="page-header">
        <h1>Semantic search</h1>
        <p>Type text: it is embedded with the active model and searched in Milvus — proof the vectors are real.</p>
        <div className="spacer" />
        <button className="btn btn-primary" onClick={() => setEmbedding(true)}>
          Embed…
        </button>
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <input className="input" data-page-search aria-label="Search text" placeholder="e.g. flaky retry logic in the webhook handler  /" value={query} onChange={(e) => setQuery(e.target.value)} style={{ flex: 1, minWidth: 320 }} />
        <select className="input" aria-label="Filter by repository" value={repository} onChange={(e) => setRepository(e.target.value)}>
          <option value="">All repositories</option>
          {repos.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <ToggleGroup.Root type="multiple" className="toggle-group" aria-label="Filter by type" value={types} onValueChange={(v) => setTypes(v as ('pr' | 'issue')[])}>
          <ToggleGroup.Item value="pr">PRs</ToggleGroup.Item>
          <ToggleGroup.Item value="issue">Issues</ToggleGroup.Item>
        </ToggleGroup.Root>
        <button className="btn btn-primary" type="submit" disabled={busy || !query.trim()}>
          Search
        </button>
      </form>
      {result && (
        <section className="panel" aria-label="Search results">
          <div className="panel-header">
            <span className="muted">
              {plural(result.hits.length, 'result')} in {result.tookMs} ms · query {formatNumber(result.queryTokens)} tokens
            </span>
          </div>
          <table className="simple">
            <tbody>
              {result.hits.map((h) => (
                <tr key={h.id}>
                  <td style={{ width: 120 }}>
                    <div className="progress" title={`cosine ${h.score.toFixed(4)}`} style={{ width: 90 }}>
                      <div style={{ width: `${Math.max(0, h.score) * 100}%` }} />
                    </div>
                    <span className="faint mono">{h.score.toFixed(3)}</span>
                  </td>
                  <td style={{ width: 70 }}>
                    <span className={`status status-${h.itemType === 'pr' ? 'healthy' : 'unknown'}`}>{h.itemType}</span>
                  </td>
                  <td className="mono" style={{ width: 220 }}>
                    {h.repository}#{h.number}
                  </td>
                  <td>
                    {h.url ? (
                      <a href={h.url} target="_blank" rel="noreferrer">
                        {h.title}
                      </a>
                    ) : (
                      h.title
                    )}
                  </td>
                </tr>
              ))}
              {!result.hits.length && (
                <tr>
                  <td className="faint">No vectors match: has this repository been embedded?</td>
                </tr>
              )}
            </tbody>
          </table>
        </section>
      )}
      <CollectionsPanel />
      <CostLedger />
      <EmbedDialog repositories={repos} open={embedding} onOpenChange={setEmbedding} />
    </div>
  );
}

function CostLedger() {
  const [rows, setRows] = useState<Awaited<ReturnType<typeof ops.embed.costs>>>([]);
  const finished = useJobs((s) => Object.values(s.runs).filter((r) => r.kind === 'embed' && r.finishedAt).length);
  useEffect(() => {
    ops.embed.costs({ limit: 20 }).then(setRows, () => {});
  }, [finished]);
  if (!rows.length) return null;
  return (
    <section className="panel" aria-label="Embedding costs">
      <div className="panel-header">
        <h2>Embedding cost ledger</h2>
        <span className="muted">total ${rows.reduce((n, r) => n + r.usd, 0).toFixed(4)} over {plural(rows.length, 'run')}</span>
      </div>
      <table className="simple">
        <thead>
          <tr>
            <th>Run</th>
            <th>Model</th>
            <th>Items</th>
            <th>Tokens</th>
            <th>Requests</th>
            <th>Cost</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.runId}>
              <td className="mono">{r.runId.slice(0, 8)}</td>
              <td>
                {r.model} ({r.dimensions})
              </td>
              <td>{formatNumber(r.items)}</td>
              <td>{formatNumber(r.inputTokens)}</td>
              <td>{formatNumber(r.requests)}</td>
              <td>${r.usd.toFixed(6)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
