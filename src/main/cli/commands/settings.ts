import { parseArgs } from 'node:util';
import { Settings } from '../../../shared/contract/settings.ts';
import { OpsError } from '../../../shared/errors.ts';
import { openCore } from '../context.ts';
import { table } from '../output.ts';
import { UsageError } from '../usage-error.ts';

const KEYS = Object.keys(Settings.shape) as (keyof Settings)[];

export const settingsUsage = `repo-ops settings show [--json]
repo-ops settings set key=value...
  The application settings (the Settings page; per-profile connection settings: repo-ops profile).
  Values: numbers, true/false, text, or JSON for maps, e.g.
    repo-ops settings set healthIntervalMinutes=10 notifications=false
    repo-ops settings set 'embeddingPrices={"text-embedding-3-small":0.02}'
  Settings: ${KEYS.join(', ')}`;

/** key=value → the setting's value: JSON when it reads as the setting's type, else the text itself. */
export function parseSetting(key: keyof Settings, raw: string): unknown {
  const schema = Settings.shape[key];
  let asJson: unknown;
  try {
    asJson = JSON.parse(raw);
  } catch {
    // not JSON: the text itself
  }
  const fromJson = asJson === undefined ? undefined : schema.safeParse(asJson);
  if (fromJson?.success) return fromJson.data;
  const fromText = schema.safeParse(raw);
  if (fromText.success) return fromText.data;
  // A number, boolean or JSON map was meant as such: its own error ("too big", the entry at fault), not "expected …, received string".
  const failed = fromJson && typeof asJson !== 'string' ? fromJson : fromText;
  const issue = failed.error!.issues[0]!;
  throw new OpsError('invalid_input', `${key}: ${issue.message}${issue.path.length ? ` (at ${issue.path.join('.')})` : ''}, got ${JSON.stringify(raw)}`);
}

const show = (v: unknown) => (typeof v === 'object' ? JSON.stringify(v) : String(v));

export async function settingsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' } } });
  const [sub, ...rest] = positionals;
  if (sub !== 'show' && sub !== 'set') throw new UsageError(sub ? `Unknown subcommand "${sub}"` : 'give a subcommand');
  const patch: Record<string, unknown> = {};
  if (sub === 'set') {
    if (!rest.length) throw new UsageError('give at least one key=value');
    for (const arg of rest) {
      const eq = arg.indexOf('=');
      if (eq <= 0) throw new UsageError(`expected key=value, got "${arg}"`);
      const key = arg.slice(0, eq).trim();
      if (!KEYS.includes(key as keyof Settings)) throw new UsageError(`Unknown setting "${key}". Settings: ${KEYS.join(', ')} (connection settings: repo-ops profile set)`);
      patch[key] = parseSetting(key as keyof Settings, arg.slice(eq + 1));
    }
  } else if (rest.length) throw new UsageError('settings show takes no arguments');
  const ctx = await openCore('cli');
  try {
    const settings = sub === 'set' ? await ctx.ops.settings.update(patch) : await ctx.ops.settings.get();
    if (values.json) process.stdout.write(JSON.stringify(settings, null, 2) + '\n');
    else if (sub === 'set') for (const k of Object.keys(patch)) process.stdout.write(`${k} = ${show(settings[k as keyof Settings])}\n`);
    else process.stdout.write(table([['setting', 'value'], ...KEYS.map((k) => [k, show(settings[k])])]) + '\n');
    return 0;
  } finally {
    await ctx.close();
  }
}
