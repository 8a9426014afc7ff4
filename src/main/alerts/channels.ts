import { CHANNEL_SECRETS, type ChannelType } from '../../shared/contract/alerts.ts';
import type { SecretService } from '../secrets/secret-service.ts';
import type { ChannelRow } from './types.ts';

export const channelAccount = (channelId: string, key: string) => `alert-channel:${channelId}:${key}`;

/** A channel's credentials from this machine's keychain (or REPO_OPS_SECRET_* on headless workers). */
export async function channelSecrets(secrets: SecretService, channel: Pick<ChannelRow, 'id' | 'type'>): Promise<{ values: Record<string, string>; set: Record<string, boolean>; complete: boolean }> {
  const values: Record<string, string> = {};
  const set: Record<string, boolean> = {};
  let complete = true;
  for (const spec of CHANNEL_SECRETS[channel.type as ChannelType]) {
    const v = await secrets.getNamed(channelAccount(channel.id, spec.key));
    set[spec.key] = Boolean(v);
    if (v) values[spec.key] = v;
    else if (spec.required) complete = false;
  }
  return { values, set, complete };
}

/** URLs a channel may post to: http(s) only (a webhook URL is a credential, checked before it is stored). */
export function checkChannelSecret(type: ChannelType, key: string, value: string): string | null {
  if (key === 'url') {
    try {
      const u = new URL(value);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') return `${type} URL must start with https:// (or http:// on a trusted network)`;
    } catch {
      return `${type} URL is not a valid URL`;
    }
  }
  if (key === 'routingKey' && !/^[\w-]{8,64}$/.test(value)) return 'PagerDuty routing key: 8–64 letters, digits, - or _ (the integration key of an Events API v2 integration)';
  if (/[\r\n]/.test(value)) return `${key} must be one line`;
  return null;
}
