import { z } from 'zod';
import { call, topic } from './define.ts';
import { httpUrl, id, isoTime, noInput, ok } from './common.ts';

/** The AutoDevOps runbook's levels: P1 critical (15 min), P2 high (1 h), P3 medium (4 h), P4 low (next business day). */
export const Severity = z.enum(['P1', 'P2', 'P3', 'P4']);
export type Severity = z.infer<typeof Severity>;
export const SEVERITIES = Severity.options;

export const ChannelType = z.enum(['slack', 'webhook', 'email', 'pagerduty', 'desktop']);
export type ChannelType = z.infer<typeof ChannelType>;

const host = z.string().trim().min(1, 'host is empty').max(255).regex(/^[\w.-]+$|^\[[0-9a-f:]+\]$/i, 'must be a host name or address');
const email = z.string().trim().email('must be an e-mail address').max(320);

export const ChannelConfig = z.discriminatedUnion('type', [
  z.object({ type: z.literal('slack') }),
  z.object({ type: z.literal('webhook') }),
  z.object({
    type: z.literal('email'),
    host,
    port: z.number().int().min(1).max(65_535).default(587),
    /** tls: TLS from the first byte (465); starttls: upgrade required (587); none: plain (local relays only). */
    security: z.enum(['tls', 'starttls', 'none']).default('starttls'),
    user: z.string().trim().max(320).nullable().default(null),
    from: email,
    to: z.array(email).min(1, 'add at least one recipient').max(50),
    /** Accept a self-signed certificate (an internal relay). */
    allowSelfSigned: z.boolean().default(false),
  }),
  z.object({ type: z.literal('pagerduty'), eventsUrl: httpUrl.default('https://events.pagerduty.com/v2/enqueue') }),
  z.object({ type: z.literal('desktop') }),
]);
export type ChannelConfig = z.infer<typeof ChannelConfig>;

/** Write-only credentials per channel type, stored in the OS keychain. */
export const CHANNEL_SECRETS: Record<ChannelType, { key: string; label: string; required: boolean }[]> = {
  slack: [{ key: 'url', label: 'Incoming webhook URL', required: true }],
  webhook: [
    { key: 'url', label: 'Webhook URL', required: true },
    { key: 'signingSecret', label: 'Signing secret (HMAC-SHA256)', required: true },
  ],
  email: [{ key: 'password', label: 'SMTP password', required: false }],
  pagerduty: [{ key: 'routingKey', label: 'Integration (routing) key', required: true }],
  desktop: [],
};

export const ChannelInput = z.object({
  id: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'id: lower-case letters, digits and -').optional(),
  name: z.string().trim().min(1, 'name is empty').max(120),
  config: ChannelConfig,
  /** Severities this channel receives. */
  severities: z.array(Severity).default(['P1', 'P2', 'P3', 'P4']),
  /** Where a notification still undelivered after the escalation delay goes next. */
  escalateTo: id.nullable().default(null),
  /** Per-channel rate limit (default: the policy's). */
  ratePerSecond: z.number().min(0.01).max(1000).nullable().default(null),
  enabled: z.boolean().default(true),
  /** New credential values (omitted keys stay as they are; empty string deletes). */
  secrets: z.record(z.string(), z.string().max(4096)).default({}),
});
export type ChannelInput = z.input<typeof ChannelInput>;

export const ChannelHealth = z.object({
  status: z.enum(['healthy', 'degraded', 'down', 'unknown']),
  /** healthy / degraded / unavailable in the pgGit runbook's words. */
  label: z.string(),
  consecutiveFailures: z.number(),
  circuitOpenUntil: isoTime.nullable(),
  lastSuccessAt: isoTime.nullable(),
  lastFailureAt: isoTime.nullable(),
  lastError: z.string().nullable(),
  pending: z.number(),
  retrying: z.number(),
  failed24h: z.number(),
  delivered24h: z.number(),
});

export const Channel = z.object({
  id,
  name: z.string(),
  type: ChannelType,
  config: z.record(z.string(), z.unknown()),
  severities: z.array(Severity),
  escalateTo: z.string().nullable(),
  ratePerSecond: z.number().nullable(),
  enabled: z.boolean(),
  /** Which credentials are stored (never their values). */
  secretsSet: z.record(z.string(), z.boolean()),
  /** Whether this process can deliver to it (has its credentials). */
  deliverable: z.boolean(),
  health: ChannelHealth,
});
export type Channel = z.infer<typeof Channel>;

export const RuleKind = z.enum(['health', 'job', 'budget', 'secret_rotation', 'github_rate_limit', 'schedule']);
export type RuleKind = z.infer<typeof RuleKind>;

export const RuleParams = z.object({
  /** health: the statuses that fire. */
  statuses: z.array(z.enum(['down', 'degraded', 'unknown'])).optional(),
  /** health: glob on the system ("default" until systems exist) and service id ("http:*"). */
  system: z.string().max(200).optional(),
  service: z.string().max(200).optional(),
  /** schedule: what fires — a tick missed (no worker up) or skipped (previous run still going), a start that failed, a run cut by its deadline. */
  tickOutcomes: z.array(z.enum(['missed', 'skipped', 'failed', 'deadline_exceeded'])).optional(),
  /** job: kinds (empty: every kind) and outcomes that fire. */
  kinds: z.array(z.string().max(100)).optional(),
  outcomes: z.array(z.enum(['failed', 'incomplete'])).optional(),
  /** budget: the levels that fire. */
  levels: z.array(z.enum(['warning', 'critical', 'exceeded'])).optional(),
  /** github_rate_limit: fire when remaining is below this percentage of the limit. */
  belowPct: z.number().min(0).max(100).optional(),
});
export type RuleParams = z.infer<typeof RuleParams>;

export const RuleInput = z.object({
  id: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'id: lower-case letters, digits and -').optional(),
  name: z.string().trim().min(1, 'name is empty').max(120),
  kind: RuleKind,
  params: RuleParams.default({}),
  severity: Severity,
  /** Fire only when the condition held this long (against flapping). */
  forSeconds: z.number().min(0).max(7 * 86_400).default(0),
  /** Notify again while still firing and not acknowledged. */
  repeatSeconds: z.number().min(1).max(30 * 86_400).default(4 * 3600),
  sendResolved: z.boolean().default(true),
  /** Explicit channels instead of routing by severity. */
  channels: z.array(id).nullable().default(null),
  enabled: z.boolean().default(true),
});
export type RuleInput = z.input<typeof RuleInput>;
export const Rule = RuleInput.required().extend({ id, builtin: z.boolean(), params: RuleParams, channels: z.array(id).nullable() });
export type Rule = z.infer<typeof Rule>;

export const AlertState = z.enum(['pending', 'firing', 'resolved']);
export const Alert = z.object({
  id: z.number(),
  /** PagerDuty's dedup_key for this alert. */
  dedupKey: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  severity: Severity,
  state: AlertState,
  labels: z.record(z.string(), z.string()),
  summary: z.string(),
  pendingSince: isoTime.nullable(),
  firedAt: isoTime.nullable(),
  resolvedAt: isoTime.nullable(),
  lastSeenAt: isoTime,
  lastNotifiedAt: isoTime.nullable(),
  notifications: z.number(),
  acknowledgedAt: isoTime.nullable(),
  acknowledgedBy: z.string().nullable(),
  silencedBy: z.string().nullable(),
});
export type Alert = z.infer<typeof Alert>;

export const Matchers = z.record(z.string().min(1).max(60), z.string().max(200));
export const SilenceInput = z.object({
  /** Label matchers (rule, severity, system, service, kind, budget …); "*" globs. At least one. */
  matchers: Matchers.refine((m) => Object.keys(m).length > 0, 'add at least one matcher'),
  endsAt: isoTime.refine((v) => Number.isFinite(Date.parse(v)), 'endsAt must be a timestamp'),
  comment: z.string().trim().min(1, 'say why').max(500),
});
export const Silence = z.object({ id, matchers: z.record(z.string(), z.string()), startsAt: isoTime, endsAt: isoTime, comment: z.string(), createdBy: z.string(), active: z.boolean() });
export type Silence = z.infer<typeof Silence>;

export const DeliveryStatus = z.enum(['pending', 'retrying', 'delivered', 'failed']);
export const Delivery = z.object({
  id: z.number(),
  channelId: z.string(),
  kind: z.string(),
  severity: Severity,
  title: z.string(),
  alerts: z.number(),
  status: DeliveryStatus,
  attempts: z.number(),
  nextAttemptAt: isoTime.nullable(),
  createdAt: isoTime,
  deliveredAt: isoTime.nullable(),
  responseCode: z.number().nullable(),
  responseMs: z.number().nullable(),
  lastError: z.string().nullable(),
  escalatedFrom: z.number().nullable(),
  escalatedAt: isoTime.nullable(),
});
export type Delivery = z.infer<typeof Delivery>;

/** Delivery timings, shared by every process on the warehouse. Defaults after pgGit's Phase 8. */
export const AlertPolicy = z.object({
  retryBaseSeconds: z.number().min(0.01).max(86_400).default(300),
  maxRetries: z.number().int().min(0).max(100).default(3),
  escalateAfterSeconds: z.number().min(0.05).max(7 * 86_400).default(1800),
  circuitFailures: z.number().int().min(1).max(1000).default(5),
  circuitOpenSeconds: z.number().min(0.05).max(86_400).default(60),
  ratePerSecond: z.number().min(0.01).max(1000).default(10),
  groupWaitSeconds: z.number().min(0).max(3600).default(10),
  requestTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  pollIntervalMs: z.number().int().min(10).max(60_000).default(1000),
  evaluateIntervalSeconds: z.number().min(0.05).max(3600).default(60),
});
export type AlertPolicy = z.infer<typeof AlertPolicy>;

export const SendResult = z.object({ ok: z.boolean(), responseCode: z.number().nullable(), ms: z.number(), error: z.string().nullable() });

export const DesktopNotice = z.object({ id: z.number(), title: z.string(), body: z.string(), severity: Severity, tone: z.enum(['healthy', 'degraded', 'down', 'info']) });

export const alertCalls = {
  'alerts.list': call('Alerts: open ones (pending, firing) or recent history', z.object({ state: z.enum(['open', 'all']).default('open'), limit: z.number().int().min(1).max(2000).default(500) }).default({ state: 'open', limit: 500 }), z.array(Alert)),
  'alerts.acknowledge': call('Acknowledge a firing alert: no more repeats; PagerDuty is told (audited)', z.object({ id: z.number().int() }), Alert),
  'alerts.channels': call('Notification channels with their health', noInput, z.array(Channel)),
  'alerts.saveChannel': call('Create or change a channel; credentials go to the OS keychain (audited)', ChannelInput, Channel),
  'alerts.deleteChannel': call('Remove a channel and its credentials (audited)', z.object({ id }), ok),
  'alerts.testChannel': call('Send a test notification through a channel now', z.object({ id }), SendResult),
  'alerts.rules': call('Alert rules', noInput, z.array(Rule)),
  'alerts.saveRule': call('Create or change a rule (audited)', RuleInput, Rule),
  'alerts.deleteRule': call('Remove a rule (audited)', z.object({ id }), ok),
  'alerts.silences': call('Silences, active and recent', noInput, z.array(Silence)),
  'alerts.silence': call('Silence matching alerts until a time (audited)', SilenceInput, Silence),
  'alerts.expireSilence': call('End a silence now (audited)', z.object({ id }), ok),
  'alerts.deliveries': call('The delivery outbox, newest first', z.object({ channelId: id.optional(), status: DeliveryStatus.optional(), limit: z.number().int().min(1).max(2000).default(300) }).default({ limit: 300 }), z.array(Delivery)),
  'alerts.retryFailed': call('Queue failed deliveries again (one channel or all)', z.object({ channelId: id.optional() }).default({}), z.object({ requeued: z.number() })),
  'alerts.policy': call('Delivery timings in force', noInput, AlertPolicy),
  'alerts.updatePolicy': call('Change delivery timings (audited)', AlertPolicy.partial(), AlertPolicy),
};

export const alertTopics = {
  'alerts.changed': topic('An alert fired, resolved, was acknowledged or a delivery changed', z.object({}).strict().default({}), z.object({ reason: z.string() })),
  'alerts.desktop': topic('A notification for the desktop channel (the window shows it)', z.object({}).strict().default({}), DesktopNotice),
};
