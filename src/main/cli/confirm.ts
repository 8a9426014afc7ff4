import { createInterface } from 'node:readline/promises';
import { OpsError } from '../../shared/errors.ts';

/** Asks y/N on a terminal; without one, only --yes proceeds (cron must opt in explicitly). */
export async function confirm(question: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) throw new OpsError('cancelled', `${question} — refusing without a terminal; pass --yes to confirm`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(`${question} [y/N] `);
  rl.close();
  if (!/^y(es)?$/i.test(answer.trim())) throw new OpsError('cancelled', 'Not confirmed; nothing was done');
}
