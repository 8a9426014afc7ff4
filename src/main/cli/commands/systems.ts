import { parseArgs } from 'node:util';
import { SystemFields, SystemSecretKey, SYSTEM_KINDS } from '../../../shared/contract/systems.ts';
import { OpsError } from '../../../shared/errors.ts';
import type { OpsApi } from '../../../shared/rpc/api.ts';
import { confirm } from '../confirm.ts';
import { openCore } from '../context.ts';
import { table } from '../output.ts';
import { UsageError } from '../usage-error.ts';
import { readSecretInput } from './read-secret.ts';

export const systemsUsage = `repo-ops systems list [--json]
repo-ops systems add --name NAME [--kind ${SYSTEM_KINDS.join('|')}] [--config JSON]
repo-ops systems update NAME --config JSON        (fields: queues, http, postgresSchema, quotas, commands …)
repo-ops systems remove NAME
repo-ops systems set-secret NAME KEY              (value from stdin; KEY: postgres_url, redis_url, milvus_url, milvus_token, header:<service>:<Header>)
repo-ops systems detect NAME                      (kind from its tables and endpoints, with the evidence)
repo-ops systems check NAME [--check ID] [--json] (the pack's read-only runbook checks)
repo-ops systems actions NAME                     (the pack's listed actions)
repo-ops systems run NAME ACTION [--param k=v …] [--yes]
    shows exactly what will run and what it touches, then asks; --yes confirms without a terminal
repo-ops systems audit [NAME] [--json]`;

function parseConfig(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`--config must be a JSON object: ${(e as Error).message}`);
  }
}

async function byName(ops: OpsApi, name: string | undefined) {
  if (!name) throw new UsageError('Name the system');
  const list = await ops.systems.list();
  const s = list.find((x) => x.id === name || x.name.toLowerCase() === name.toLowerCase());
  if (!s) throw new OpsError('not_found', `No system named "${name}" (registered: ${list.map((x) => x.name).join(', ') || 'none'})`);
  return s;
}

export async function systemsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, name: { type: 'string' }, kind: { type: 'string' }, config: { type: 'string' }, check: { type: 'string' }, param: { type: 'string', multiple: true }, yes: { type: 'boolean' } } });
  const [sub, arg1, arg2] = positionals;
  const subs = ['list', 'add', 'update', 'remove', 'set-secret', 'detect', 'check', 'actions', 'run', 'audit'];
  if (!sub || !subs.includes(sub)) throw new UsageError(`Unknown or missing subcommand; one of ${subs.join(', ')}`);
  const out = (v: unknown) => process.stdout.write(JSON.stringify(v, null, 2) + '\n');
  const ctx = await openCore('cli');
  const ops = ctx.ops;
  try {
    switch (sub) {
      case 'list': {
        const list = await ops.systems.list();
        if (values.json) return (out(list), 0);
        const rows = [['NAME', 'KIND', 'CONNECTIONS', 'HTTP SERVICES', 'QUEUES']];
        for (const s of list) rows.push([s.name, s.kind, s.secrets.filter((k) => !k.startsWith('header:')).join(', ') || '-', s.http.map((h) => h.name).join(', ') || '-', s.queues.join(', ') || '-']);
        process.stdout.write(table(rows) + '\n');
        return 0;
      }
      case 'add': {
        const fields = SystemFields.safeParse({ ...parseConfig(values.config), name: values.name, ...(values.kind ? { kind: values.kind } : {}) });
        if (!fields.success) throw new UsageError(fields.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; '));
        const s = await ops.systems.create(fields.data);
        process.stdout.write(`Registered ${s.name} (${s.kind}). Add its connections: repo-ops systems set-secret "${s.name}" postgres_url\n`);
        return 0;
      }
      case 'update': {
        const s = await byName(ops, arg1);
        const u = await ops.systems.update({ id: s.id, patch: parseConfig(values.config) });
        process.stdout.write(`Updated ${u.name}.\n`);
        return 0;
      }
      case 'remove': {
        const s = await byName(ops, arg1);
        await ops.systems.delete({ id: s.id });
        process.stdout.write(`Forgot ${s.name} and its keychain entries; its databases were not touched.\n`);
        return 0;
      }
      case 'set-secret': {
        const s = await byName(ops, arg1);
        const key = SystemSecretKey.safeParse(arg2);
        if (!key.success) throw new UsageError(key.error.issues[0]!.message);
        const value = await readSecretInput(`${key.data} of ${s.name}: `);
        await ops.systems.setSecret({ id: s.id, key: key.data, value });
        process.stdout.write(`${key.data} of ${s.name} stored in the keychain.\n`);
        return 0;
      }
      case 'detect': {
        const s = await byName(ops, arg1);
        const d = await ops.systems.detect({ id: s.id });
        if (values.json) return (out(d), 0);
        process.stdout.write(`${s.name}: looks like ${d.kind} (registered as ${s.kind}; ${d.tablesSeen} tables seen)\n`);
        for (const e of d.evidence) process.stdout.write(`  ${e.kind.padEnd(17)} ${e.score.toFixed(2)}  ${e.found.join(', ') || '-'}\n`);
        return 0;
      }
      case 'check': {
        const s = await byName(ops, arg1);
        const results = await ops.packs.check({ id: s.id, check: values.check });
        if (values.json) return (out(results), 0);
        for (const r of results) {
          process.stdout.write(`\n[${r.status.toUpperCase()}] ${r.title}: ${r.summary}\n`);
          if (r.columns.length && r.rows.length) process.stdout.write(table([r.columns, ...r.rows.slice(0, 20).map((row) => row.map((c) => (c === null ? '' : String(c))))]) + '\n');
        }
        const worst = results.some((r) => r.status === 'down') ? 2 : results.some((r) => r.status !== 'healthy') ? 1 : 0;
        return worst;
      }
      case 'actions': {
        const s = await byName(ops, arg1);
        const d = await ops.packs.describe({ id: s.id });
        for (const a of d.actions) process.stdout.write(`${a.id.padEnd(18)} ${a.title}${a.destructive ? ' (changes data)' : ''}\n${Object.entries(a.params).map(([k, v]) => `    --param ${k}=…  ${v}\n`).join('')}`);
        if (!d.actions.length) process.stdout.write(`The ${d.kind} pack lists no actions.\n`);
        return 0;
      }
      case 'run': {
        const s = await byName(ops, arg1);
        if (!arg2) throw new UsageError('Name the action (repo-ops systems actions NAME lists them)');
        const params: Record<string, string> = {};
        for (const p of values.param ?? []) {
          const i = p.indexOf('=');
          if (i < 1) throw new UsageError(`--param ${p}: expected key=value`);
          params[p.slice(0, i)] = p.slice(i + 1);
        }
        const preview = await ops.packs.preview({ id: s.id, action: arg2, params });
        process.stderr.write(`${preview.title} on ${s.name}\nWill run:\n${preview.operations.map((o) => `  ${o}`).join('\n')}\n${preview.impact}\n`);
        await confirm('Run exactly this?', values.yes);
        const r = await ops.packs.run({ id: s.id, action: arg2, params, confirm: preview.confirmText });
        process.stdout.write(`${r.summary} (audit #${r.auditId})\n`);
        return 0;
      }
      case 'audit': {
        const s = arg1 ? await byName(ops, arg1) : null;
        const rows = await ops.systems.audit({ id: s?.id, limit: 100 });
        if (values.json) return (out(rows), 0);
        process.stdout.write(table([['AT', 'SYSTEM', 'ACTION', 'OPERATOR', 'OUTCOME', 'SUMMARY'], ...rows.map((r) => [r.at, r.systemId.slice(0, 8), r.action, r.operator, r.outcome, r.summary])]) + '\n');
        return 0;
      }
    }
    return 2;
  } finally {
    await ctx.close();
  }
}
