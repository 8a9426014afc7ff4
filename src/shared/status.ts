// The one status palette used everywhere (health, jobs summary, verification).
export const STATUSES = ['healthy', 'degraded', 'down', 'unknown'] as const;
export type Status = (typeof STATUSES)[number];

const rank: Record<Status, number> = { healthy: 0, unknown: 1, degraded: 2, down: 3 };

/** Worst of several statuses: one down service makes the whole report down. */
export function worstStatus(list: Status[]): Status {
  return list.reduce<Status>((w, s) => (rank[s] > rank[w] ? s : w), list.length ? 'healthy' : 'unknown');
}
