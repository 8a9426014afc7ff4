import type { RunbookDef, RunbookRun } from '../../shared/contract/runbooks.ts';

const mark: Record<string, string> = { pass: '✅', done: '✅', warn: '⚠️', fail: '❌', skipped: '➖', pending: '⬜' };

/** A runbook run as a Markdown incident note: who, when, each step and what it found. */
export function incidentNote(run: RunbookRun, def: RunbookDef): { filename: string; content: string } {
  const lines = [
    `# Incident note: ${run.title}`,
    '',
    `- Runbook: ${def.title} (${def.source})`,
    `- Operator: ${run.operator}`,
    `- Started: ${run.startedAt}`,
    `- Finished: ${run.finishedAt ?? 'still open'} (${run.status})`,
    `- Symptoms: ${def.symptoms}`,
    '',
    '## Steps',
    '',
  ];
  for (const step of def.steps) {
    const r = run.steps.find((s) => s.stepId === step.id);
    lines.push(`${mark[r?.outcome ?? 'pending']} **${step.title}** — ${r?.outcome ?? 'pending'}${r?.at ? ` at ${r.at}` : ''}`);
    if (r?.summary) lines.push(`  - ${r.summary}`);
    for (const s of r?.statements ?? []) lines.push(`  - ran: \`${s}\``);
    if (r?.note) lines.push(`  - note: ${r.note}`);
  }
  if (run.note) lines.push('', '## Notes', '', run.note);
  lines.push('');
  return { filename: `incident-${def.id}-${run.startedAt.slice(0, 19).replace(/[:T]/g, '-')}.md`, content: lines.join('\n') };
}
