import { z } from 'zod';
import { call } from './define.ts';
import { isoTime, noInput } from './common.ts';
import { JobRun } from './jobs.ts';

export const EVENT_TYPES = ['commit', 'pr_opened', 'pr_merged', 'pr_reviewed', 'issue_opened', 'issue_closed', 'comment', 'release'] as const;
export const EventType = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventType>;

const repoName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-_.]+\/[A-Za-z0-9-_.]+$/, 'enter a repository as owner/name');
const points = z.number().min(0, 'points cannot be negative').max(100_000, 'at most 100,000 points');

export const ScoringWeights = z.object(Object.fromEntries(EVENT_TYPES.map((t) => [t, points])) as Record<EventType, typeof points>);
export type ScoringWeights = z.infer<typeof ScoringWeights>;

export const LeaderboardSettings = z.object({
  lineAddedWeight: z.number().min(0).max(100),
  lineDeletedWeight: z.number().min(0).max(100),
  lineBonusCap: z.number().min(0).max(1_000_000),
  countSelfReviews: z.boolean(),
  /** SQL LIKE patterns (case-insensitive) of usernames left out as bots, besides the warehouse's bot flag. */
  botPatterns: z.array(z.string().trim().min(1, 'a bot pattern cannot be empty').max(100)).max(100),
  fullWindowDays: z.number().int().min(1).max(36_500),
  overlapDays: z.number().int().min(0).max(30),
});
export type LeaderboardSettings = z.infer<typeof LeaderboardSettings>;

export const LeaderboardConfig = z.object({ weights: ScoringWeights, settings: LeaderboardSettings, updatedAt: isoTime });
export type LeaderboardConfig = z.infer<typeof LeaderboardConfig>;

export const Counts = z.object(Object.fromEntries(EVENT_TYPES.map((t) => [t, z.number().int()])) as Record<EventType, z.ZodNumber>);

export const LeaderboardEntry = z.object({
  rank: z.number().int(),
  previousRank: z.number().int().nullable(),
  userId: z.string(),
  username: z.string(),
  displayName: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  totalScore: z.number(),
  /** Repository boards: the line bonus inside totalScore; global: the sum over repositories. */
  lineBonus: z.number().nullable(),
  repositories: z.number().int().nullable(),
  counts: Counts,
  linesAdded: z.number(),
  linesDeleted: z.number(),
  firstContributionAt: isoTime,
  lastContributionAt: isoTime,
});
export type LeaderboardEntry = z.infer<typeof LeaderboardEntry>;

export const LeaderboardView = z.object({
  scope: z.enum(['repository', 'global']),
  repository: z.string().nullable(),
  /** Rows matching the search (all of the board without one). */
  total: z.number().int(),
  recalculatedAt: isoTime.nullable(),
  rows: z.array(LeaderboardEntry),
});
export type LeaderboardView = z.infer<typeof LeaderboardView>;

const scopeInput = { repository: repoName.optional(), search: z.string().trim().max(100).optional() };

export const ScoreLine = z.object({ eventType: EventType, count: z.number().int(), points: z.number(), weight: z.number() });

export const ContributorDetail = z.object({
  username: z.string(),
  displayName: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  global: LeaderboardEntry.nullable(),
  repositories: z.array(LeaderboardEntry.extend({ repository: z.string() })),
  /** Points by event type on the board asked for (a repository, or the sum over all). */
  breakdown: z.array(ScoreLine),
  lineBonus: z.number(),
  history: z.array(z.object({ at: isoTime, repository: z.string().nullable(), rank: z.number().int().nullable(), previousRank: z.number().int().nullable(), totalScore: z.number().nullable() })),
  recentEvents: z.array(z.object({ eventId: z.string(), eventType: EventType, repository: z.string(), at: isoTime, linesAdded: z.number(), linesDeleted: z.number(), data: z.record(z.string(), z.unknown()) })),
});
export type ContributorDetail = z.infer<typeof ContributorDetail>;

export const WeightsPreview = z.object({
  scope: z.enum(['repository', 'global']),
  /** Contributors whose rank would change (top of the board first), with old and new figures. */
  changes: z.array(z.object({ username: z.string(), rank: z.number().int(), newRank: z.number().int(), totalScore: z.number(), newScore: z.number() })),
  moved: z.number().int(),
  contributors: z.number().int(),
});
export type WeightsPreview = z.infer<typeof WeightsPreview>;

export const ScrapeWindow = z.object({
  id: z.number().int(),
  repository: z.string(),
  jobRunId: z.string().nullable(),
  kind: z.enum(['full', 'incremental']),
  dataStartDate: isoTime,
  dataEndDate: isoTime,
  eventsFetched: z.number().int(),
  eventsNew: z.number().int(),
  eventsChanged: z.number().int(),
  eventsRemoved: z.number().int(),
  contributorsFound: z.number().int(),
  bytesProcessed: z.number(),
  startedAt: isoTime,
  finishedAt: isoTime.nullable(),
});
export type ScrapeWindow = z.infer<typeof ScrapeWindow>;

export const RecalcSummary = z.object({
  id: z.number().int(),
  jobRunId: z.string().nullable(),
  kind: z.enum(['full', 'incremental']),
  startedAt: isoTime,
  finishedAt: isoTime.nullable(),
  pairsRecomputed: z.number().int(),
  repositoriesReranked: z.number().int(),
  rankChanges: z.number().int(),
});
export type RecalcSummary = z.infer<typeof RecalcSummary>;

export const RecalcRequest = z.object({
  /** owner/name: scrape that repository's window, then recalculate; absent: every tracked repository. */
  repository: repoName.optional(),
  /** Full windows (the last fullWindowDays) and a full recalculation instead of incremental ones. */
  full: z.boolean().default(false),
  /** Derive events from the warehouse first (false: recalculate what is already derived). */
  scrape: z.boolean().default(true),
});
export type RecalcRequest = z.infer<typeof RecalcRequest>;

export const leaderboardCalls = {
  'leaderboard.show': call(
    'A repository board (or the global one): ranks with movement, scores, counts by event type',
    z.object({ ...scopeInput, top: z.number().int().min(1).max(100_000).default(100), offset: z.number().int().min(0).default(0) }).default({ top: 100, offset: 0 }),
    LeaderboardView,
  ),
  'leaderboard.contributor': call('One contributor: global and per-repository entries, score breakdown, rank history, recent events', z.object({ username: z.string().trim().min(1).max(100), repository: repoName.optional() }), ContributorDetail),
  'leaderboard.config': call('Scoring weights and leaderboard settings', noInput, LeaderboardConfig),
  'leaderboard.preview': call(
    'How ranks would change under other weights or settings (nothing saved)',
    z.object({ weights: ScoringWeights, settings: LeaderboardSettings.partial().optional(), repository: repoName.optional(), top: z.number().int().min(1).max(1000).default(50) }),
    WeightsPreview,
  ),
  'leaderboard.saveConfig': call(
    'Save weights and settings (audited) and start a full recalculation',
    z.object({ weights: ScoringWeights.optional(), settings: LeaderboardSettings.partial().optional(), recalc: z.boolean().default(true) }),
    z.object({ config: LeaderboardConfig, run: JobRun.nullable() }),
  ),
  'leaderboard.recalc': call('Scrape windows and recalculate the leaderboards (incremental unless full)', RecalcRequest, JobRun),
  'leaderboard.windows': call('Scrape windows, newest first', z.object({ repository: repoName.optional(), limit: z.number().int().min(1).max(1000).default(50) }).default({ limit: 50 }), z.array(ScrapeWindow)),
  'leaderboard.recalcs': call('Recalculations, newest first', z.object({ limit: z.number().int().min(1).max(1000).default(20) }).default({ limit: 20 }), z.array(RecalcSummary)),
  'leaderboard.export': call('A board as CSV', z.object(scopeInput).default({}), z.object({ filename: z.string(), csv: z.string(), rows: z.number().int() })),
};
