import type { z } from 'zod';
import { alertCalls, alertTopics } from './alerts.ts';
import { appCalls } from './app.ts';
import { backfillCalls } from './backfill.ts';
import { costCalls } from './costs.ts';
import { embeddingCalls } from './embeddings.ts';
import { etlCalls } from './etl.ts';
import { healthCalls, healthTopics } from './health.ts';
import { jobCalls, jobTopics } from './jobs.ts';
import { leaderboardCalls } from './leaderboard.ts';
import { logFileCalls, logFileTopics } from './log-files.ts';
import { logCalls, logTopics } from './logs.ts';
import { profileCalls, profileTopics } from './profiles.ts';
import { queryCalls } from './queries.ts';
import { repoCalls } from './repos.ts';
import { runbookCalls } from './runbooks.ts';
import { scheduleCalls } from './schedules.ts';
import { workerCalls } from './workers.ts';
import { secretCalls } from './secrets.ts';
import { settingsCalls } from './settings.ts';
import { setupCalls } from './setup.ts';
import { systemCalls, systemTopics } from './systems.ts';
import { uiStateCalls } from './ui-state.ts';
import { workspaceCalls } from './workspaces.ts';

/** Every call between renderer/CLI and core, declared once. */
export const calls = {
  ...appCalls,
  ...settingsCalls,
  ...profileCalls,
  ...secretCalls,
  ...jobCalls,
  ...logCalls,
  ...logFileCalls,
  ...repoCalls,
  ...embeddingCalls,
  ...workspaceCalls,
  ...uiStateCalls,
  ...backfillCalls,
  ...healthCalls,
  ...runbookCalls,
  ...queryCalls,
  ...costCalls,
  ...alertCalls,
  ...leaderboardCalls,
  ...scheduleCalls,
  ...workerCalls,
  ...systemCalls,
  ...etlCalls,
  ...setupCalls,
};

/** Every event stream the core publishes. */
export const topics = {
  ...jobTopics,
  ...logTopics,
  ...logFileTopics,
  ...healthTopics,
  ...profileTopics,
  ...alertTopics,
  ...systemTopics,
};

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type TopicName = keyof typeof topics;
/** What a caller passes (defaults not yet applied). */
export type CallInput<N extends CallName> = z.input<Calls[N]['input']>;
/** What a handler receives (validated, defaults applied). */
export type CallParsedInput<N extends CallName> = z.output<Calls[N]['input']>;
export type CallOutput<N extends CallName> = z.output<Calls[N]['output']>;
export type TopicFilter<T extends TopicName> = z.input<(typeof topics)[T]['filter']>;
export type TopicParsedFilter<T extends TopicName> = z.output<(typeof topics)[T]['filter']>;
export type TopicPayload<T extends TopicName> = z.output<(typeof topics)[T]['payload']>;

export const callNames = Object.keys(calls) as CallName[];
export const topicNames = Object.keys(topics) as TopicName[];

export function isCallName(name: string): name is CallName {
  return Object.hasOwn(calls, name);
}
export function isTopicName(name: string): name is TopicName {
  return Object.hasOwn(topics, name);
}
