import { parseArgs } from 'node:util';
import { toCsv } from '../../queries/index.ts';
import { openCore } from '../context.ts';
import { table } from '../output.ts';
import { UsageError } from '../usage-error.ts';

export const queryUsage = `repo-ops query list
repo-ops query run <id> [--repo owner/name] [--param name=value]... [--csv] [--json]
repo-ops query saved [--json]
  Verification queries from the runbooks, run read-only with bound parameters and a statement timeout.`;

const show = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export async function queryCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { repo: { type: 'string' }, param: { type: 'string', multiple: true }, csv: { type: 'boolean' }, json: { type: 'boolean' } } });
  const [sub, id] = positionals;
  if (!sub || !['list', 'run', 'saved'].includes(sub)) throw new UsageError(queryUsage);
  const ctx = await openCore('cli');
  try {
    if (sub === 'list') {
      const all = await ctx.ops.queries.catalogue();
      process.stdout.write(table([['ID', 'GROUP', 'TITLE', 'PARAMS'], ...all.map((q) => [q.id, q.group, q.title, q.params.map((p) => `${p.name}:${p.type}`).join(' ')])]) + '\n');
      return 0;
    }
    if (sub === 'saved') {
      const saved = await ctx.ops.queries.saved();
      process.stdout.write(values.json ? JSON.stringify(saved, null, 2) + '\n' : table([['ID', 'NAME', 'DESCRIPTION'], ...saved.map((q) => [q.id, q.name, q.description])]) + '\n');
      return 0;
    }
    if (!id) throw new UsageError('query run needs a query id (see `repo-ops query list`)');
    const params: Record<string, string> = {};
    for (const p of values.param ?? []) {
      const i = p.indexOf('=');
      if (i < 1) throw new UsageError(`--param takes name=value, got "${p}"`);
      params[p.slice(0, i)] = p.slice(i + 1);
    }
    const catalogue = await ctx.ops.queries.catalogue();
    const q = catalogue.find((x) => x.id === id);
    const saved = q ? null : (await ctx.ops.queries.saved()).find((x) => x.id === id || x.name.toLowerCase() === id.toLowerCase());
    const decl = q?.params ?? saved?.params ?? [];
    const repoParam = decl.find((p) => p.type === 'repository');
    if (repoParam && !params[repoParam.name]) {
      if (!values.repo) throw new UsageError(`${id} needs a repository: --repo owner/name`);
      const repo = (await ctx.ops.repos.list()).find((r) => r.fullName.toLowerCase() === values.repo!.toLowerCase());
      if (!repo) throw new UsageError(`${values.repo} is not tracked`);
      params[repoParam.name] = repo.id;
    }
    const result = saved ? await ctx.ops.queries.runSaved({ id: saved.id, params }) : await ctx.ops.queries.run({ id, params });
    if (values.csv) process.stdout.write(toCsv(result));
    else if (values.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else {
      process.stdout.write(table([result.columns.map((c) => c.name.toUpperCase()), ...result.rows.map((r) => r.map(show))]) + '\n');
      process.stderr.write(`${result.rowCount} rows in ${Math.round(result.ms)} ms${result.truncated ? ' (truncated)' : ''}\n`);
    }
    return 0;
  } finally {
    await ctx.close();
  }
}
