import { useCallback, useEffect, useState } from 'react';
import { BackfillRequest as RequestSchema, type BackfillEstimate, type Preflight } from '../../../../shared/contract/backfill.ts';
import { repoNameProblem } from '../../../../shared/repo-name.ts';
import { ops } from '../../client/ops.ts';
import { BudgetRefusal, isBudgetRefusal } from '../../components/BudgetRefusal.tsx';
import { CancelRunButton } from '../../components/CancelRunButton.tsx';
import { JobStatusBadge } from '../../components/StatusBadge.tsx';
import { attempt } from '../../state/app-store.ts';
import { useJobs } from '../../state/jobs-store.ts';
import { emptyDraft, STAGES, type Draft, type Stage } from './draft.ts';
import { EstimateStage, OptionsStage, PreflightStage, RepositoryStage, RunStage, VerifyStage } from './stages.tsx';

const DRAFT_KEY = 'backfill-draft';
const STOPPED = ['succeeded', 'incomplete', 'failed', 'cancelled'];

/** The aggressive-backfill guide as one guided flow; its state survives a closed window. */
export function BackfillPage() {
  const [draft, setDraft] = useState<Draft | null>(null);
  // Results are keyed by the request they answer: a changed option never shows stale ones.
  const [preflightFor, setPreflight] = useState<{ key: string; value: Preflight } | null>(null);
  const [estimateFor, setEstimate] = useState<{ key: string; value: BackfillEstimate } | null>(null);
  const run = useJobs((s) => (draft?.runId ? s.runs[draft.runId] : undefined)) ?? null;
  const [refusal, setRefusal] = useState<string | null>(null);

  // Reopen on a backfill still going or stopped part-way (a crash too), else on the saved draft.
  useEffect(() => {
    void Promise.all([ops.backfill.current(), ops.ui.getState({ key: DRAFT_KEY })]).then(([current, saved]) => {
      const d = (saved.value as Draft | null) ?? emptyDraft();
      if (current && ['running', 'queued', 'paused', 'interrupted'].includes(current.status)) setDraft({ stage: 'run', request: RequestSchema.parse(current.params), runId: current.id });
      else setDraft(d);
      if (current) useJobs.getState().upsert(current);
    });
  }, []);

  const save = useCallback((d: Draft) => {
    setDraft(d);
    void ops.ui.setState({ key: DRAFT_KEY, value: d });
  }, []);

  // Entering a stage loads what it shows.
  const stage = draft?.stage;
  const requestKey = JSON.stringify(draft?.request);
  useEffect(() => {
    if (!draft) return;
    const key = JSON.stringify(draft.request);
    if (stage === 'preflight') {
      void ops.backfill.preflight(draft.request).then(
        (value) => setPreflight({ key, value }),
        (e: Error) => setPreflight({ key, value: { ok: false, checks: [{ id: 'input', label: 'Options', state: 'fail', message: e.message, fix: null }] } }),
      );
    }
    if (stage === 'estimate') void attempt('Estimate', () => ops.backfill.estimate(draft.request)).then((value) => value && setEstimate({ key, value }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stage, requestKey]);

  if (!draft) return <div className="page muted">Loading…</div>;
  const preflight = preflightFor?.key === requestKey ? preflightFor.value : null;
  const estimate = estimateFor?.key === requestKey ? estimateFor.value : null;
  const go = (s: Stage) => save({ ...draft, stage: s });
  // A finished run shows its verification.
  const current: Stage = draft.stage === 'run' && run && STOPPED.includes(run.status) && run.result ? 'verify' : draft.stage;
  const idx = STAGES.findIndex((s) => s.id === current);
  const valid = RequestSchema.safeParse(draft.request);
  const canNext =
    (draft.stage === 'repository' && draft.request.repository.trim().length > 0 && repoNameProblem(draft.request.repository) === null) ||
    (draft.stage === 'options' && valid.success) ||
    (draft.stage === 'preflight' && preflight?.ok === true);
  const start = async (override?: string) => {
    const r = await attempt('Starting the backfill', async () => {
      try {
        return await ops.backfill.start({ ...draft.request, budgetOverride: override ? { reason: override } : undefined });
      } catch (e) {
        if (!isBudgetRefusal(e)) throw e;
        setRefusal((e as Error).message);
        return undefined;
      }
    });
    if (r) {
      setRefusal(null);
      useJobs.getState().upsert(r);
      save({ ...draft, stage: 'run', runId: r.id });
    }
  };
  // A fresh reading of GitHub instead of the preflight's (it serves for five minutes).
  const reread = () => {
    const key = requestKey;
    setEstimate(null);
    void attempt('Estimate', () => ops.backfill.estimate({ ...draft.request, rereadGitHub: true })).then((value) => value && setEstimate({ key, value }));
  };
  const next = () => {
    if (canNext) go(STAGES[idx + 1]!.id);
    else if (draft.stage === 'estimate' && estimate) void start();
  };

  return (
    <div
      className="page"
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          next();
        }
      }}
    >
      <div className="page-header">
        <h1>Backfill</h1>
        <p>Sync → workspace aggregation → embeddings, with preflight, estimate and proof at the end.</p>
      </div>
      <nav aria-label="Backfill stages" className="row" style={{ gap: 4 }}>
        {STAGES.map((s, i) => (
          <button key={s.id} className={`btn btn-sm${s.id === current ? ' btn-primary' : ''}`} aria-current={s.id === current ? 'step' : undefined} disabled={(i > idx && !(s.id === 'verify' && run && STOPPED.includes(run.status))) || (draft.runId !== null && i < 4 && run !== null && !STOPPED.includes(run.status))} onClick={() => go(s.id)}>
            {i + 1}. {s.label}
          </button>
        ))}
        {run && <JobStatusBadge status={run.status} />}
      </nav>
      <section className="panel panel-body" aria-label={`Stage: ${STAGES[idx]!.label}`}>
        {draft.stage === 'repository' && <RepositoryStage request={draft.request} set={(r) => save({ ...draft, request: r })} />}
        {draft.stage === 'options' && <OptionsStage request={draft.request} set={(r) => save({ ...draft, request: r })} />}
        {draft.stage === 'options' && !valid.success && <div className="banner banner-down">{valid.error.issues[0]?.message}</div>}
        {draft.stage === 'preflight' && <PreflightStage result={preflight} />}
        {draft.stage === 'estimate' && <EstimateStage estimate={estimate} request={draft.request} onReread={reread} />}
        {draft.stage === 'estimate' && refusal && <BudgetRefusal message={refusal} onOverride={(reason) => void start(reason)} />}
        {current === 'run' && <RunStage run={run} />}
        {current === 'verify' && run && <VerifyStage run={run} />}
      </section>
      <div className="row">
        {idx > 0 && idx < 4 && (
          <button className="btn" onClick={() => go(STAGES[idx - 1]!.id)}>
            Back
          </button>
        )}
        {idx < 3 && (
          <button className="btn btn-primary" disabled={!canNext} onClick={next}>
            Next <kbd>Ctrl ↵</kbd>
          </button>
        )}
        {draft.stage === 'estimate' && (
          <button className="btn btn-primary" disabled={!estimate} onClick={() => void start()}>
            Start backfill
          </button>
        )}
        {current === 'run' && run && (
          <>
            {(run.status === 'running' || run.status === 'queued') && (
              <>
                <button className="btn" onClick={() => void attempt('Pause', () => ops.jobs.pause({ runId: run.id }))}>
                  Pause
                </button>
                <CancelRunButton run={run} />
              </>
            )}
            {run.resumable && (
              <button className="btn btn-primary" onClick={() => void attempt('Resume', () => ops.jobs.resume({ runId: run.id }))}>
                Resume
              </button>
            )}
          </>
        )}
        {(current === 'verify' || (run && ['failed', 'cancelled'].includes(run.status))) && (
          <button className="btn" onClick={() => save(emptyDraft())}>
            New backfill
          </button>
        )}
      </div>
    </div>
  );
}
