// The model's answer: a strict JSON schema sent as response_format, and the check of what came
// back. A malformed answer is an error for that PR (recorded with it), never a crash of the run.
import { z } from 'zod';

export const ANSWER_SCHEMA_NAME = 'pr_review';

export const ANSWER_JSON_SCHEMA = {
  type: 'object',
  properties: {
    summary: { type: 'string', description: 'What the PR changes, for a shipping digest: one or two sentences, at most 400 characters.' },
    risk_score: { type: 'number', minimum: 0, maximum: 10, description: 'How likely the change breaks production, data or security: 0 none … 10 severe.' },
    risk_level: { type: 'string', enum: ['low', 'medium', 'high'] },
    reasons: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 5, description: 'Why, naming the files or changes that carry the risk.' },
  },
  required: ['summary', 'risk_score', 'risk_level', 'reasons'],
  additionalProperties: false,
} as const;

const Answer = z
  .object({
    summary: z.string().trim().min(1, 'is empty').max(2000, 'is longer than 2,000 characters'),
    risk_score: z.number().min(0, 'must be between 0 and 10').max(10, 'must be between 0 and 10'),
    risk_level: z.enum(['low', 'medium', 'high']),
    reasons: z.array(z.string().trim().min(1).max(500)).min(1, 'has no reason').max(10),
  })
  .strict();

export interface LlmAnswer {
  summary: string;
  riskScore: number;
  riskLevel: 'low' | 'medium' | 'high';
  reasons: string[];
}

const clip = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** The answer, or a sentence saying what was wrong with it. */
export function parseAnswer(content: string | null | undefined, finishReason: string | null | undefined, refusal?: string | null): { ok: true; answer: LlmAnswer } | { ok: false; error: string } {
  if (refusal) return { ok: false, error: `the model refused: ${clip(refusal, 200)}` };
  if (finishReason === 'length') return { ok: false, error: 'the answer was cut off at the completion token limit (finish_reason "length"), so it is not complete JSON' };
  if (finishReason === 'content_filter') return { ok: false, error: 'the answer was withheld by the content filter' };
  if (!content) return { ok: false, error: 'the answer was empty' };
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return { ok: false, error: `the answer is not JSON: "${clip(content)}"` };
  }
  const r = Answer.safeParse(json);
  if (!r.success) return { ok: false, error: `the answer does not match the schema: ${r.error.issues.map((i) => `${i.path.join('.') || 'answer'} ${i.message}`).join('; ')}` };
  return { ok: true, answer: { summary: r.data.summary, riskScore: Math.round(r.data.risk_score * 10) / 10, riskLevel: r.data.risk_level, reasons: r.data.reasons } };
}
