import type { SystemKind } from '../../shared/contract/systems.ts';
import { autodevopsPack } from './autodevops.ts';
import { contributorInfoPack } from './contributor-info.ts';
import { leaderboardPack } from './leaderboard.ts';
import { pggitPack } from './pggit.ts';
import type { Pack } from './types.ts';
import { whatTheRepoPack } from './what-the-repo.ts';

export const genericPack: Pack = { kind: 'generic', signature: [], checks: [], actions: [] };

export const PACKS: Record<SystemKind, Pack> = {
  'what-the-repo': whatTheRepoPack,
  leaderboard: leaderboardPack,
  autodevops: autodevopsPack,
  pggit: pggitPack,
  'contributor-info': contributorInfoPack,
  generic: genericPack,
};

export type { ActionPlan, Pack, PackAction, PackCheck, PackContext } from './types.ts';
export { SystemDb } from './system-db.ts';
export { detectKind } from './detect.ts';
