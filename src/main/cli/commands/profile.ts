import { parseArgs } from 'node:util';
import type { Profile } from '../../../shared/contract/profiles.ts';
import { envOverrides, formatProfileValue, isProfileKey, parseProfileValue, PROFILE_SELECT_ENV, PROFILE_SETTINGS, withEnvOverrides, type ProfileKey } from '../../profiles/profile-env.ts';
import { confirm } from '../confirm.ts';
import { openCore } from '../context.ts';
import { table } from '../output.ts';
import { UsageError } from '../usage-error.ts';
import { pickProfile } from './profile-arg.ts';

const KEYS = Object.keys(PROFILE_SETTINGS) as ProfileKey[];

export const profileUsage = `repo-ops profile list [--json]
repo-ops profile show [NAME] [--json]        every setting of a profile (the active one by default) and where it comes from
repo-ops profile use NAME                    make NAME the active profile
repo-ops profile set [--profile NAME] key=value...
repo-ops profile create NAME [key=value...] [--use]
repo-ops profile delete NAME --yes           also deletes its secrets from the keychain
  Settings (secrets are set with \`repo-ops secrets set\`):
${KEYS.map((k) => `    ${k.padEnd(20)} ${PROFILE_SETTINGS[k].help}${PROFILE_SETTINGS[k].env.length ? `  [env: ${PROFILE_SETTINGS[k].env.join(', ')}]` : ''}`).join('\n')}
  An environment variable overrides the stored setting for that process only;
  ${PROFILE_SELECT_ENV}=NAME picks the profile for that process instead of the active one.`;

/** key=value arguments → a validated patch; an unknown key or bad value names itself. */
function patchFrom(args: string[]): Partial<Record<ProfileKey, unknown>> {
  const patch: Partial<Record<ProfileKey, unknown>> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new UsageError(`expected key=value, got "${arg}"`);
    const key = arg.slice(0, eq).trim();
    if (!isProfileKey(key)) throw new UsageError(`Unknown setting "${key}". Settings: ${KEYS.join(', ')}${/token|key|url$/i.test(key) && !KEYS.includes(key as ProfileKey) ? ' (secrets: repo-ops secrets set)' : ''}`);
    patch[key] = parseProfileValue(key, arg.slice(eq + 1), key);
  }
  return patch;
}

function settingsRows(stored: Profile, env: NodeJS.ProcessEnv): string[][] {
  const effective = withEnvOverrides(stored, env);
  const overridden = new Map(envOverrides(env).map((o) => [o.key, o.envVar]));
  return [['setting', 'value', 'source'], ...KEYS.map((k) => [k, formatProfileValue(k, effective[k]) || '—', overridden.has(k) ? `env ${overridden.get(k)} (stored: ${formatProfileValue(k, stored[k]) || '—'})` : 'profile'])];
}

export async function profileCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, profile: { type: 'string' }, use: { type: 'boolean' }, yes: { type: 'boolean', short: 'y' } } });
  const [sub, ...rest] = positionals;
  if (!sub || !['list', 'show', 'use', 'set', 'create', 'delete'].includes(sub)) throw new UsageError(sub ? `Unknown subcommand "${sub}"` : 'give a subcommand');
  const ctx = await openCore('cli');
  const env = ctx.core.profiles.env;
  const out = (s: string) => process.stdout.write(s + '\n');
  try {
    // The stored profile in use (REPO_OPS_PROFILE's, else the active one; "Default" made on first use).
    const chosen = () => ctx.core.profiles.storedActive() ?? ctx.core.profiles.get(ctx.core.profiles.ensureActive().id);
    switch (sub) {
      case 'list': {
        if (rest.length) throw new UsageError('profile list takes no arguments');
        const inUse = chosen().id;
        const all = await ctx.ops.profiles.list();
        if (values.json) out(JSON.stringify(all.map((p) => ({ ...p, inUse: p.id === inUse })), null, 2));
        else out(table([['', 'name', 'GitHub API', 'OpenAI base URL', 'schema', 'description'], ...all.map((p) => [p.id === inUse ? '*' : p.active ? '(active)' : '', p.name, p.githubApiUrl, p.openaiBaseUrl, p.warehouseSchema, p.description])]));
        if (!values.json && env[PROFILE_SELECT_ENV]) process.stderr.write(`(* = in use: ${PROFILE_SELECT_ENV}=${env[PROFILE_SELECT_ENV]})\n`);
        return 0;
      }
      case 'show': {
        if (rest.length > 1) throw new UsageError('give at most one profile name');
        const stored = rest[0] ? pickProfile(ctx.core, rest[0]) : chosen();
        if (values.json) out(JSON.stringify({ stored, effective: withEnvOverrides(stored, env), overrides: envOverrides(env) }, null, 2));
        else {
          out(`Profile "${stored.name}"${stored.active ? ' (active)' : ''}${env[PROFILE_SELECT_ENV] && !rest[0] ? ` — picked by ${PROFILE_SELECT_ENV}` : ''}`);
          out(table(settingsRows(stored, env)));
        }
        return 0;
      }
      case 'use': {
        if (rest.length !== 1) throw new UsageError('give the profile to use: repo-ops profile use NAME');
        const p = await ctx.ops.profiles.activate({ id: pickProfile(ctx.core, rest[0]).id });
        out(`Active profile: "${p.name}"`);
        if (env[PROFILE_SELECT_ENV]) process.stderr.write(`Note: ${PROFILE_SELECT_ENV}=${env[PROFILE_SELECT_ENV]} still picks the profile in this environment.\n`);
        return 0;
      }
      case 'set': {
        if (!rest.length) throw new UsageError('give at least one key=value');
        const patch = patchFrom(rest);
        const target = values.profile ? pickProfile(ctx.core, values.profile) : chosen();
        const p = await ctx.ops.profiles.update({ id: target.id, patch });
        for (const k of Object.keys(patch) as ProfileKey[]) {
          out(`${p.name}: ${k} = ${formatProfileValue(k, p[k]) || '—'}`);
          const o = envOverrides(env).find((x) => x.key === k);
          if (o) process.stderr.write(`Note: ${o.envVar} overrides ${k} in this environment.\n`);
        }
        return 0;
      }
      case 'create': {
        const [name, ...pairs] = rest;
        if (!name || name.includes('=')) throw new UsageError('give the new profile’s name first: repo-ops profile create NAME [key=value...]');
        const patch = patchFrom(pairs);
        if (patch.name !== undefined) throw new UsageError('the name is the first argument, not name=…');
        let p = await ctx.ops.profiles.create({ ...patch, name } as Parameters<typeof ctx.ops.profiles.create>[0]);
        if (values.use && !p.active) p = await ctx.ops.profiles.activate({ id: p.id });
        out(`Created profile "${p.name}"${p.active ? ' (active)' : ` (not active: repo-ops profile use "${p.name}")`}`);
        return 0;
      }
      case 'delete': {
        if (rest.length !== 1) throw new UsageError('give the profile to delete');
        const p = pickProfile(ctx.core, rest[0]);
        await confirm(`Delete profile "${p.name}" and its secrets in the keychain?`, values.yes);
        await ctx.ops.profiles.delete({ id: p.id });
        out(`Deleted profile "${p.name}"`);
        return 0;
      }
    }
    return 2;
  } finally {
    await ctx.close();
  }
}
