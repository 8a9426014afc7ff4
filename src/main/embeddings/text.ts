// The text embedded for a pull request, issue or discussion, and the hash that says when it must be
// embedded again.
import { createHash } from 'node:crypto';
import { cleanLine, cleanMarkdown } from './clean.ts';
import { DEFAULT_INPUT_TOKEN_BUDGET, MAX_INPUT_TOKENS, effectiveDimensions } from './models.ts';
import { truncateToTokens } from './tokens.ts';

export { countTokens } from './tokens.ts';

export type DocumentType = 'pr' | 'issue' | 'discussion';

export interface EmbeddableDocument {
  type: DocumentType;
  title: string;
  body?: string | null;
}

export interface PreparedText {
  text: string;
  /** cl100k tokens of `text` (what the API will bill, give or take tokenizer drift). */
  tokens: number;
  truncated: boolean;
  /** Tokens of the whole cleaned text; more than `tokens` when it was cut to the limit. */
  originalTokens: number;
}

const LABELS: Record<DocumentType, string> = { pr: 'Pull request', issue: 'Issue', discussion: 'Discussion' };

/** Cleaned "<Type>: <title>\n\n<body>", cut to `maxTokens` (default 8,000: a margin under the 8,191 limit). */
export function prepareEmbeddingText(doc: EmbeddableDocument, maxTokens = DEFAULT_INPUT_TOKEN_BUDGET): PreparedText {
  if (!Number.isInteger(maxTokens) || maxTokens < 16 || maxTokens > MAX_INPUT_TOKENS) {
    throw new RangeError(`maxTokens must be an integer in 16..${MAX_INPUT_TOKENS}`);
  }
  const title = cleanLine(doc.title ?? '');
  const body = cleanMarkdown(doc.body ?? '');
  const head = `${LABELS[doc.type]}: ${title || '(untitled)'}`;
  return truncateToTokens(body ? `${head}\n\n${body}` : head, maxTokens);
}

export function embeddingText(doc: EmbeddableDocument, maxTokens?: number): string {
  return prepareEmbeddingText(doc, maxTokens).text;
}

/**
 * sha256 (hex) over model, effective dimensions and text. Omitted dimensions count as the model's
 * native size, so switching between "unset" and the same explicit size does not re-embed.
 */
export function contentHash(text: string, model: string, dimensions?: number): string {
  const dims = effectiveDimensions(model, dimensions) ?? 'native';
  // Length-prefixed fields: no model/text pair can collide with another.
  return createHash('sha256').update(`embedding-v1\n${model.length}:${model}\n${dims}\n`).update(text, 'utf8').digest('hex');
}

/** True when there is no stored embedding or it was made from other text, model or dimensions. */
export function needsEmbedding(storedHash: string | null | undefined, currentHash: string): boolean {
  return !storedHash || storedHash !== currentHash;
}
