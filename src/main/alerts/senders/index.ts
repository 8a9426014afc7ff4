import type { ChannelType } from '../../../shared/contract/alerts.ts';
import type { Sender } from '../types.ts';
import { sendEmail } from './email.ts';
import { sendPagerDuty } from './pagerduty.ts';
import { sendSlack } from './slack.ts';
import { sendWebhook } from './webhook.ts';

/** Channel types delivered over the network; `desktop` is delivered by the windows this core serves. */
export const SENDERS: Record<Exclude<ChannelType, 'desktop'>, Sender> = {
  slack: sendSlack,
  webhook: sendWebhook,
  email: sendEmail,
  pagerduty: sendPagerDuty,
};
