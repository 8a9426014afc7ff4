import { consistentRun } from '../../../../shared/progress.ts';
import { LinkedText } from '../../components/LinkedText.tsx';
import { repoNameProblem } from '../../../../shared/repo-name.ts';
import { formatRange, formatUsd } from '../../../../shared/estimate-range.ts';
import { RadioGroup } from 'radix-ui';
import { Fragment, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { CheckField } from '../../components/CheckField.tsx';
import { BackfillStep, type BackfillEstimate, type BackfillRequest, type Preflight, type Verification } from '../../../../shared/contract/backfill.ts';
import type { JobRun } from '../../../../shared/contract/jobs.ts';
import type { RepositoryRow } from '../../../../shared/contract/repos.ts';
import type { Workspace } from '../../../../shared/contract/workspaces.ts';
import { ops } from '../../client/ops.ts';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { downloadText, formatDuration, formatNumber, plural } from '../../lib/format.ts';
import { StepCard, type StepView } from './StepCard.tsx';

type Set = (r: BackfillRequest) => void;
const stateTone = { pass: 'healthy', fail: 'down', warn: 'degraded', skipped: 'unknown' } as const;

export function RepositoryStage({ request, set }: { request: BackfillRequest; set: Set }) {
  const [repos, setRepos] = useState<RepositoryRow[]>([]);
  useEffect(() => {
    ops.repos.list().then(setRepos, () => setRepos([]));
  }, []);
  const problem = repoNameProblem(request.repository);
  return (
    <div className="stack">
      <p className="muted">Pick a tracked repository, or type <code>owner/name</code> to track a new one (checked on GitHub in the preflight).</p>
      <input className="input" autoFocus data-page-search aria-label="Repository" aria-invalid={problem !== null} aria-describedby="repository-problem" placeholder="owner/name" value={request.repository} onChange={(e) => set({ ...request, repository: e.target.value })} style={{ width: 360 }} list="tracked-repos" />
      {problem && (
        <div id="repository-problem" className="field-error" role="alert">
          {problem}
        </div>
      )}
      <datalist id="tracked-repos">
        {repos.map((r) => (
          <option key={r.id} value={r.fullName} />
        ))}
      </datalist>
      <div className="row">
        {repos.map((r) => (
          <button key={r.id} type="button" className="btn btn-sm" aria-pressed={r.fullName === request.repository} onClick={() => set({ ...request, repository: r.fullName })}>
            {r.fullName} <span className="faint">{plural(r.counts.pullRequests, 'PR')}</span>
          </button>
        ))}
      </div>
    </div>
  );
}

export function OptionsStage({ request, set }: { request: BackfillRequest; set: Set }) {
  const [workspaces, setWorkspaces] = useState<Workspace[]>([]);
  const [newWs, setNewWs] = useState('');
  useEffect(() => {
    ops.workspaces.list().then(setWorkspaces, () => setWorkspaces([]));
  }, []);
  const scope = request.timeRangeDays ? 'range' : request.mode;
  const check = (label: string, checked: boolean, onChange: (v: boolean) => void) => <CheckField label={label} checked={checked} onChange={onChange} />;
  return (
    <div className="stack">
      <RadioGroup.Root className="stack" aria-label="What to sync" value={scope} onValueChange={(v) => set({ ...request, mode: v === 'full' ? 'full' : 'incremental', timeRangeDays: v === 'range' ? (request.timeRangeDays ?? 30) : undefined })}>
        {(
          [
            ['incremental', 'Incremental', 'what changed since the last complete sync (everything the first time)'],
            ['full', 'Full refresh', 'everything again'],
            ['range', 'Time range', 'items created in the last N days (the guide’s --time-range)'],
          ] as const
        ).map(([value, label, hint]) => (
          <label key={value} className="row">
            <RadioGroup.Item value={value} aria-label={label} className="btn btn-sm" style={{ width: 18, height: 18, padding: 0, borderRadius: 9, justifyContent: 'center' }}>
              <RadioGroup.Indicator style={{ width: 8, height: 8, borderRadius: 4, background: 'var(--accent)' }} />
            </RadioGroup.Item>
            <strong>{label}</strong> <span className="faint">{hint}</span>
          </label>
        ))}
      </RadioGroup.Root>
      {request.timeRangeDays !== undefined && (
        <label className="row">
          Days <input className="input" type="number" min={1} aria-label="Time range in days" value={request.timeRangeDays} onChange={(e) => set({ ...request, timeRangeDays: Math.max(1, Number(e.target.value) || 1) })} style={{ width: 90 }} />
        </label>
      )}
      {check('Skip embeddings (--skip-embeddings)', request.skipEmbeddings, (v) => set({ ...request, skipEmbeddings: v, embeddingsOnly: v ? false : request.embeddingsOnly }))}
      {check('Embeddings only, no sync (--embeddings-only)', request.embeddingsOnly, (v) => set({ ...request, embeddingsOnly: v, skipEmbeddings: v ? false : request.skipEmbeddings }))}
      {!request.skipEmbeddings && check('Let the estimate time Milvus writes on a scratch collection of its own, created and dropped (--time-writes); otherwise typical speeds are assumed', request.timeWrites ?? false, (v) => set({ ...request, timeWrites: v }))}
      <div className="stack">
        <strong>Workspaces to aggregate</strong>
        <div className="row">
          {workspaces.map((w) => check(`${w.name} (${plural(w.repositories.length, 'repo')})`, request.workspaces.includes(w.name), (v) => set({ ...request, workspaces: v ? [...request.workspaces, w.name] : request.workspaces.filter((x) => x !== w.name) })))}
          {request.workspaces.filter((w) => !workspaces.some((x) => x.name === w)).map((w) => (
            <span key={w} className="status status-unknown">
              new: {w}
            </span>
          ))}
        </div>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (newWs.trim()) set({ ...request, workspaces: [...request.workspaces, newWs.trim()] });
            setNewWs('');
          }}
        >
          <input className="input" aria-label="New workspace" placeholder="New workspace name" value={newWs} onChange={(e) => setNewWs(e.target.value)} />
          <button className="btn btn-sm" type="submit">
            Add
          </button>
        </form>
        <span className="faint">Workspaces already containing the repository are always refreshed.</span>
      </div>
    </div>
  );
}

export function PreflightStage({ result }: { result: Preflight | null }) {
  if (!result) return <div className="muted" role="status">Checking every prerequisite live…</div>;
  return (
    <table className="simple" aria-label="Preflight checks">
      <tbody>
        {result.checks.map((c) => (
          <tr key={c.id} data-check={c.id}>
            <td style={{ width: 90 }}>
              <StatusBadge status={stateTone[c.state]} label={c.state} />
            </td>
            <td style={{ width: 300 }}>
              <strong>{c.label}</strong>
            </td>
            <td>
              <LinkedText text={c.message} /> {c.fix && <Link to={c.fix.route}>{c.fix.label} →</Link>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function EstimateStage({ estimate, request, onReread }: { estimate: BackfillEstimate | null; request: BackfillRequest; onReread?: () => void }) {
  if (!estimate) return <div className="muted" role="status">Counting on GitHub and pricing the embeddings…</div>;
  const e = estimate;
  return (
    <div className="grid-2">
      <section className="panel panel-body" aria-label="Estimate">
        <dl className="kv">
          <dt>Pull requests / issues</dt>
          <dd>
            {formatNumber(e.github.pullRequests)} / {formatNumber(e.github.issues)}
            {e.window.since && <span className="faint"> created since {e.window.since.slice(0, 10)}</span>}
          </dd>
          <dt>GitHub requests</dt>
          <dd>{formatNumber(e.github.requests)}</dd>
          <dt>GraphQL points</dt>
          <dd>
            {formatNumber(e.github.points)} <span className="faint">of {e.github.graphqlRemaining === null ? '?' : formatNumber(e.github.graphqlRemaining)} left</span>
          </dd>
          <dt>Embeddings</dt>
          <dd>
            {formatNumber(e.embeddings.items)} items · {formatNumber(e.embeddings.tokens)} tokens · <strong>${e.embeddings.usd.toFixed(e.embeddings.usd < 1 ? 4 : 2)}</strong> <span className="faint">({e.embeddings.basis})</span>
          </dd>
          <dt>Milvus entities</dt>
          <dd>
            {formatNumber(e.milvus.entities)} → <code>{e.milvus.collection}</code>
          </dd>
          <dt>Time</dt>
          <dd>
            <strong>{formatDuration(e.time.totalS)}</strong> <span className="faint">({formatDuration(e.total.seconds.low)}–{formatDuration(e.total.seconds.high)})</span> = sync {formatDuration(e.time.syncS)} + embeddings {formatDuration(e.time.embedS)} + aggregation and verification {formatDuration(e.time.aggregateS)}
            <div className="faint">{e.time.basis}</div>
          </dd>
          {e.changes && (
            <>
              <dt>Changed since</dt>
              <dd>
                {e.changes.since.slice(0, 16).replace('T', ' ')}: {formatNumber(e.changes.pullRequests)} PRs, {formatNumber(e.changes.issues)} issues <span className="faint">(an incremental run fetches only these)</span>
              </dd>
            </>
          )}
        </dl>
        <table className="simple" aria-label="Estimate by step" style={{ marginTop: 8 }}>
          <thead>
            <tr>
              <th>Step</th>
              <th style={{ textAlign: 'right' }}>Requests</th>
              <th style={{ textAlign: 'right' }}>Tokens</th>
              <th style={{ textAlign: 'right' }}>Dollars</th>
              <th style={{ textAlign: 'right' }}>Time</th>
            </tr>
          </thead>
          <tbody>
            {[...e.steps.map((st) => ({ ...st, name: st.step as string })), { ...e.total, name: 'total' }].map((st) => (
              <tr key={st.name}>
                <td>{st.name}</td>
                <td className="mono" style={{ textAlign: 'right' }}>{formatRange(st.requests)}</td>
                <td className="mono" style={{ textAlign: 'right' }}>{formatRange(st.tokens)}</td>
                <td className="mono" style={{ textAlign: 'right' }}>{formatRange(st.usd, formatUsd)}</td>
                <td className="mono" style={{ textAlign: 'right' }}>{formatRange(st.seconds, formatDuration)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <details aria-label="How each step was estimated">
          <summary className="faint">How each step was estimated</summary>
          <dl className="kv">
            {e.steps.map((st) => (
              <Fragment key={st.step}>
                <dt>{st.step}</dt>
                <dd className="faint">{st.basis}</dd>
              </Fragment>
            ))}
          </dl>
        </details>
        <div className="faint">Bands are about 95 %: {e.sample.method}.</div>
        <div className="row" style={{ marginTop: 8 }}>
          {onReread && (
            <button className="btn btn-sm" onClick={onReread} title={`GitHub was read at ${new Date(e.sample.readAt).toLocaleTimeString()}; the preflight's reading serves for five minutes`}>
              Read GitHub again
            </button>
          )}
          {(['markdown', 'json'] as const).map((f) => (
            <button key={f} className="btn btn-sm" onClick={() => void ops.backfill.saveDryRun({ request, format: f }).then((r) => downloadText(r.filename, r.content))}>
              Save dry-run report ({f === 'json' ? 'JSON' : 'Markdown'})
            </button>
          ))}
        </div>
      </section>
      <section className="panel panel-body" aria-label="The backfill guide's table">
        <h3>The guide’s static table</h3>
        <table className="simple">
          <thead>
            <tr>
              <th>Size</th>
              <th>Sync</th>
              <th>Embeddings</th>
              <th>Total</th>
            </tr>
          </thead>
          <tbody>
            {e.guide.map((g) => (
              <tr key={g.size} style={g.size.startsWith(e.sizeClass) ? { background: 'var(--bg-selected)' } : undefined}>
                <td>{g.size}</td>
                <td>{g.sync}</td>
                <td>{g.embeddings}</td>
                <td>{g.total}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

export function RunStage({ run }: { run: JobRun | null }) {
  if (!run) return <div className="muted">Starting…</div>;
  // States as the run's status allows: nothing running (or with an ETA) in a paused or cancelled run.
  const steps = (consistentRun(run).progress.extra.steps ?? {}) as Record<string, StepView>;
  return (
    <div className="stack">
      {run.error && (
        <div className={`banner ${run.status === 'failed' ? 'banner-down' : 'banner-degraded'}`}>
          <LinkedText text={run.error} />
        </div>
      )}
      {BackfillStep.options.map((s) => (
        <StepCard key={s} name={s} step={steps[s]} runId={run.id} />
      ))}
    </div>
  );
}

export function VerifyStage({ run }: { run: JobRun }) {
  const v = (run.result as { verification?: Verification } | null)?.verification;
  if (!v) return <div className="muted">No verification yet ({run.status}).</div>;
  return (
    <div className="stack">
      <div className={`banner ${v.ok ? 'banner-info' : 'banner-down'}`} role="status" aria-label="Backfill outcome">
        {!v.ok ? (
          <strong>Incomplete: the red items below need attention.</strong>
        ) : v.items.some((i) => i.state === 'warn') ? (
          <strong>Complete, with warnings: see the amber items below.</strong>
        ) : (
          <strong>Complete: every check is green.</strong>
        )}
      </div>
      <table className="simple" aria-label="Verification checklist">
        <tbody>
          {v.items.map((i) => (
            <tr key={i.id} data-item={i.id} data-state={i.state}>
              <td style={{ width: 90 }}>
                <StatusBadge status={stateTone[i.state]} label={i.state} />
              </td>
              <td style={{ width: 320 }}>
                <strong>{i.label}</strong>
              </td>
              <td>
                {i.evidence}
                {i.details.length > 0 && (
                  <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
                    {i.details.slice(0, 20).map((d) => (
                      <li key={d} className="muted">
                        {d}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td style={{ width: 120 }}>{i.queryId && <Link to={`/queries?id=${i.queryId}`}>Query →</Link>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        {(['markdown', 'json'] as const).map((f) => (
          <button key={f} className="btn btn-sm" onClick={() => void ops.backfill.report({ runId: run.id, format: f }).then((r) => downloadText(r.filename, r.content))}>
            Export report ({f === 'json' ? 'JSON' : 'Markdown'})
          </button>
        ))}
      </div>
    </div>
  );
}
