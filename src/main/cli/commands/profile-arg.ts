import type { Core } from '../../core/compose.ts';
import { OpsError } from '../../../shared/errors.ts';
import type { Profile } from '../../../shared/contract/profiles.ts';

/** `--profile NAME|ID`, else the active profile (created on first use). */
export function pickProfile(core: Core, ref: string | undefined): Profile {
  if (!ref) return core.profiles.ensureActive();
  const p = core.profiles.list().find((x) => x.id === ref || x.name.toLowerCase() === ref.toLowerCase());
  if (!p) throw new OpsError('not_found', `No profile named "${ref}". Profiles: ${core.profiles.list().map((x) => x.name).join(', ') || 'none'}`);
  return p;
}
