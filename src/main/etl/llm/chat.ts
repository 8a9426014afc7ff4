// One chat completion with structured output, through the official SDK at the profile's base URL.
// The SDK's own retries are off: 429s wait what the API asks (or back off), 5xx and dropped
// connections back off with jitter; a request the API rejects is that PR's error; a bad key or
// an exhausted quota stops the run.
import OpenAI from 'openai';
import { OpsError } from '../../../shared/errors.ts';
import { backoffMs, classifyError } from '../../embeddings/api-errors.ts';
import { ANSWER_JSON_SCHEMA, ANSWER_SCHEMA_NAME } from './answer.ts';
import { MAX_OUTPUT_TOKENS, SYSTEM_PROMPT } from './prompt.ts';

export interface ChatResult {
  content: string | null;
  refusal: string | null;
  finishReason: string | null;
  inputTokens: number;
  outputTokens: number;
  /** Requests sent, retries included; `rateLimited` of them were answered 429. */
  attempts: number;
  rateLimited: number;
}

export class PrRejected extends Error {}

export interface ChatOptions {
  apiKey: string;
  baseURL: string;
  model: string;
  signal: AbortSignal;
  maxTransientAttempts?: number;
  maxRateLimitRetries?: number;
  retryBaseMs?: number;
  random?: () => number;
  onWait?(reason: string, ms: number): void;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(new OpsError('cancelled', 'Cancelled'));
    const t = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(t);
      reject(new OpsError('cancelled', 'Cancelled'));
    };
    signal.addEventListener('abort', stop, { once: true });
  });

export function chatClient(o: ChatOptions) {
  if (!o.apiKey?.trim()) throw new OpsError('unauthorized', 'No OpenAI API key configured: set openai_key in Settings → Secrets');
  const client = new OpenAI({ apiKey: o.apiKey, baseURL: o.baseURL, maxRetries: 0, timeout: 120_000 });
  const random = o.random ?? Math.random;
  return async function review(user: string): Promise<ChatResult> {
    let attempts = 0;
    let transient = 0;
    let rateLimited = 0;
    for (;;) {
      attempts++;
      try {
        const r = await client.chat.completions.create(
          {
            model: o.model,
            messages: [
              { role: 'system', content: SYSTEM_PROMPT },
              { role: 'user', content: user },
            ],
            response_format: { type: 'json_schema', json_schema: { name: ANSWER_SCHEMA_NAME, schema: ANSWER_JSON_SCHEMA as unknown as Record<string, unknown>, strict: true } },
            max_completion_tokens: MAX_OUTPUT_TOKENS,
            temperature: 0,
          },
          { signal: o.signal },
        );
        const choice = r.choices[0];
        return {
          content: choice?.message.content ?? null,
          refusal: choice?.message.refusal ?? null,
          finishReason: choice?.finish_reason ?? null,
          inputTokens: r.usage?.prompt_tokens ?? 0,
          outputTokens: r.usage?.completion_tokens ?? 0,
          attempts,
          rateLimited,
        };
      } catch (e) {
        if (o.signal.aborted) throw new OpsError('cancelled', 'Cancelled');
        const f = classifyError(e);
        switch (f.kind) {
          case 'aborted':
            throw new OpsError('cancelled', 'Cancelled');
          case 'unauthorized':
            throw new OpsError('unauthorized', `OpenAI rejected the key (${f.status}): ${f.message} — update openai_key in Settings → Secrets`);
          case 'quota':
            throw new OpsError('unavailable', `OpenAI quota exhausted: ${f.message}`);
          case 'bad_request':
          case 'too_large':
            throw new PrRejected(`OpenAI rejected the request: ${f.message}`);
          case 'rate_limited': {
            rateLimited++;
            if (rateLimited > (o.maxRateLimitRetries ?? 50)) throw new OpsError('unavailable', `OpenAI kept answering 429 after ${rateLimited} tries: ${f.message}`);
            const ms = backoffMs(rateLimited, { baseMs: o.retryBaseMs ?? 500, maxMs: 60_000, random, retryAfterMs: f.retryAfterMs });
            o.onWait?.(`OpenAI rate limit: retrying in ${Math.ceil(ms / 100) / 10} s`, ms);
            await sleep(ms, o.signal);
            break;
          }
          case 'transient': {
            transient++;
            if (transient >= (o.maxTransientAttempts ?? 6)) throw new OpsError('unavailable', `OpenAI failed ${transient} times in a row: ${f.message}`);
            await sleep(backoffMs(transient, { baseMs: o.retryBaseMs ?? 500, maxMs: 30_000, random, retryAfterMs: f.retryAfterMs }), o.signal);
            break;
          }
          default:
            throw new OpsError('unavailable', `OpenAI request failed: ${f.message}`);
        }
      }
    }
  };
}
