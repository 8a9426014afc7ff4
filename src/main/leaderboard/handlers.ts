import type { HandlerGroup } from '../rpc/types.ts';
import type { LeaderboardService } from './leaderboard-service.ts';

export function leaderboardHandlers(lb: LeaderboardService): HandlerGroup<'leaderboard'> {
  return {
    'leaderboard.show': (o) => lb.show(o),
    'leaderboard.contributor': (o) => lb.contributor(o),
    'leaderboard.config': () => lb.config(),
    'leaderboard.preview': (o) => lb.preview(o),
    'leaderboard.saveConfig': (o) => lb.saveConfig(o),
    'leaderboard.recalc': (o) => lb.recalc(o),
    'leaderboard.windows': (o) => lb.windows(o),
    'leaderboard.recalcs': ({ limit }) => lb.recalcs(limit),
    'leaderboard.export': (o) => lb.exportCsv(o),
  };
}
