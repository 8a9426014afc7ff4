import { parseArgs } from 'node:util';
import { SecretKey } from '../../../shared/contract/secrets.ts';
import { openCore } from '../context.ts';
import { table } from '../output.ts';
import { UsageError } from '../usage-error.ts';
import { pickProfile } from './profile-arg.ts';
import { readSecretInput } from './read-secret.ts';

export const secretsUsage = `repo-ops secrets status [--profile P] [--json]
repo-ops secrets set <key> [--profile P]      (value read from stdin, never from arguments)
repo-ops secrets delete <key> [--profile P]
  keys: ${SecretKey.options.join(', ')}`;

export async function secretsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { profile: { type: 'string' }, json: { type: 'boolean' } } });
  const [sub, key] = positionals;
  if (!sub || !['status', 'set', 'delete'].includes(sub)) throw new UsageError(secretsUsage);
  const parsedKey = sub === 'status' ? null : SecretKey.safeParse(key);
  if (parsedKey && !parsedKey.success) throw new UsageError(`Unknown secret key "${key ?? ''}". Keys: ${SecretKey.options.join(', ')}`);
  const ctx = await openCore('cli');
  try {
    const profile = pickProfile(ctx.core, values.profile);
    if (sub === 'status') {
      const o = await ctx.ops.secrets.status({ profileId: profile.id });
      if (values.json) {
        process.stdout.write(JSON.stringify(o, null, 2) + '\n');
        return 0;
      }
      const store = o.keychain.store === 'encrypted-file' ? `encrypted file (${o.keychain.reason})${o.keychain.locked ? ' — locked: set REPO_OPS_SECRETS_PASSPHRASE' : ''}` : `OS keychain${o.keychain.available ? '' : ` — unavailable: ${o.keychain.message}`}`;
      process.stdout.write(`Profile: ${profile.name}\nSecret store: ${store}\n\n`);
      const rows = [['KEY', 'SET', 'SOURCE', 'SET AT', 'ROTATE BY']];
      for (const i of o.items) rows.push([i.key, i.set ? 'yes' : 'no', i.source === 'env' ? `env (${i.envVars.join('/')})` : i.source, i.setAt ?? '-', i.rotationDueAt ? `${i.rotationDueAt.slice(0, 10)}${i.rotationOverdue ? ' OVERDUE' : ''}` : '-']);
      process.stdout.write(table(rows) + '\n');
      return 0;
    }
    const k = parsedKey!.data!;
    if (sub === 'set') {
      const value = await readSecretInput(`${k} for profile "${profile.name}": `);
      const s = await ctx.ops.secrets.set({ profileId: profile.id, key: k, value });
      process.stdout.write(`${s.label} stored in the ${s.source === 'file' ? 'encrypted secrets file' : 'OS keychain'} for profile "${profile.name}". Rotate by ${s.rotationDueAt?.slice(0, 10)}.\n`);
    } else {
      const s = await ctx.ops.secrets.delete({ profileId: profile.id, key: k });
      process.stdout.write(`${s.label} removed from the OS keychain for profile "${profile.name}".${s.source === 'env' ? ` (${s.envVars.join('/')} is still set in the environment.)` : ''}\n`);
    }
    return 0;
  } finally {
    await ctx.close();
  }
}
