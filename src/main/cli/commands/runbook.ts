import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import type { RunbookRun } from '../../../shared/contract/runbooks.ts';
import { openCore } from '../context.ts';
import { table } from '../output.ts';
import { UsageError } from '../usage-error.ts';

export const runbookUsage = `repo-ops runbook list
repo-ops runbook run <id> [--yes] [--note-file FILE]
  Runs a runbook's steps in order: checks and read-only queries run; actions show exactly what they
  will run and ask (or run with --yes); manual steps ask on a terminal and are skipped without one.
  The run is recorded; --note-file writes the incident note (Markdown). Exit 1 if a step failed.`;

export async function runbookCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { yes: { type: 'boolean', short: 'y' }, 'note-file': { type: 'string' } } });
  const [sub, id] = positionals;
  if (sub !== 'list' && sub !== 'run') throw new UsageError(runbookUsage);
  const ctx = await openCore('cli');
  const tty = Boolean(process.stdin.isTTY);
  const rl = tty ? createInterface({ input: process.stdin, output: process.stderr }) : null;
  const ask = async (q: string) => (rl ? (await rl.question(q)).trim().toLowerCase() : '');
  try {
    const books = await ctx.ops.runbooks.list();
    if (sub === 'list') {
      process.stdout.write(table([['ID', 'KIND', 'TITLE'], ...books.map((b) => [b.id, b.category, b.title])]) + '\n');
      return 0;
    }
    const book = books.find((b) => b.id === id);
    if (!book) throw new UsageError(`Unknown runbook "${id ?? ''}". Runbooks: ${books.map((b) => b.id).join(', ')}`);
    let run: RunbookRun = await ctx.ops.runbooks.start({ runbookId: book.id });
    process.stdout.write(`# ${book.title}\n  symptoms: ${book.symptoms}\n\n`);
    for (const [i, step] of book.steps.entries()) {
      process.stdout.write(`${i + 1}. ${step.title}\n   ${step.description}\n`);
      if (step.kind === 'check' || step.kind === 'query') run = await ctx.ops.runbooks.runStep({ runId: run.id, stepId: step.id });
      else if (step.kind === 'action') {
        const inputs = Object.fromEntries(step.inputs.map((x) => [x.name, x.default ?? '']));
        const missing = step.inputs.filter((x) => !inputs[x.name]);
        if (missing.length) {
          run = await ctx.ops.runbooks.markStep({ runId: run.id, stepId: step.id, outcome: 'skipped', note: `needs ${missing.map((m) => m.label).join(', ')}: run it from the console` });
        } else {
          const preview = await ctx.ops.runbooks.preview({ runId: run.id, stepId: step.id, inputs });
          process.stdout.write(`   will run:\n${preview.statements.map((s) => `     ${s}`).join('\n')}\n   ${preview.note}\n`);
          const go = values.yes || (await ask('   Run exactly this? [y/N] ')) === 'y';
          run = go ? await ctx.ops.runbooks.runStep({ runId: run.id, stepId: step.id, inputs, confirm: true }) : await ctx.ops.runbooks.markStep({ runId: run.id, stepId: step.id, outcome: 'skipped', note: 'not confirmed' });
        }
      } else {
        const answer = step.kind === 'manual' ? await ask('   Done? [y/N] ') : '';
        run = await ctx.ops.runbooks.markStep({ runId: run.id, stepId: step.id, outcome: answer === 'y' ? 'done' : 'skipped', note: tty ? '' : 'no terminal to confirm on' });
      }
      const rec = run.steps.find((s) => s.stepId === step.id)!;
      process.stdout.write(`   → ${rec.outcome.toUpperCase()}: ${rec.summary}\n\n`);
    }
    const failed = run.steps.some((s) => s.outcome === 'fail');
    run = await ctx.ops.runbooks.finish({ runId: run.id, status: failed ? 'abandoned' : 'resolved', note: failed ? 'a step failed' : '' });
    if (values['note-file']) {
      const note = await ctx.ops.runbooks.incidentNote({ runId: run.id });
      writeFileSync(values['note-file'], note.content);
      process.stderr.write(`Incident note written to ${values['note-file']}\n`);
    }
    return failed ? 1 : 0;
  } finally {
    rl?.close();
    await ctx.close();
  }
}
