// POST /v1/chat/completions: validation with the real API's messages, token usage (o200k for the
// gpt-4o family), response_format text / json_object / json_schema (strict schemas checked as the
// API checks them), max_tokens truncation (finish_reason "length"), and an answer that is either
// scripted by the test or generated deterministically from the schema.
import { createHash } from 'node:crypto';
import { countTokens, decode, encode } from 'gpt-tokenizer/encoding/o200k_base';
import type { ApiError } from './errors.ts';
import * as errors from './errors.ts';
import { parseRequestHead } from './request-head.ts';

export interface ChatModel {
  id: string;
  /** The dated snapshot the response names (`model` in the body). */
  snapshot: string;
  contextWindow: number;
  maxOutputTokens: number;
  created: number;
  ownedBy: string;
}

export const DEFAULT_CHAT_MODELS: readonly ChatModel[] = [
  { id: 'gpt-4o-mini', snapshot: 'gpt-4o-mini-2024-07-18', contextWindow: 128_000, maxOutputTokens: 16_384, created: 1721172741, ownedBy: 'system' },
  { id: 'gpt-4o', snapshot: 'gpt-4o-2024-08-06', contextWindow: 128_000, maxOutputTokens: 16_384, created: 1715367049, ownedBy: 'system' },
];

export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant';
  content: string;
}

export type ResponseFormat = { type: 'text' } | { type: 'json_object' } | { type: 'json_schema'; name: string; schema: JsonSchema; strict: boolean };

export interface ChatRequest {
  model: ChatModel;
  messages: ChatMessage[];
  responseFormat: ResponseFormat;
  maxTokens: number | null;
  promptTokens: number;
}

/** A test's answer for one request: the assistant's content, or undefined for the generated one. */
export type ChatResponder = (req: ChatRequest) => string | undefined;

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  description?: string;
}

const ALLOWED_KEYS = new Set(['model', 'messages', 'response_format', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'n', 'seed', 'user', 'stream', 'store', 'metadata', 'frequency_penalty', 'presence_penalty']);
const ROLES = new Set(['system', 'developer', 'user', 'assistant']);

const invalid = (message: string, param: string | null = null, code: string | null = null): ApiError => ({ status: 400, message, type: 'invalid_request_error', param, code });

/** Prompt tokens as the API bills them: 3 per message, the content, 3 to prime the reply. */
export function promptTokens(messages: readonly ChatMessage[]): number {
  return messages.reduce((n, m) => n + 3 + countTokens(m.content, { disallowedSpecial: new Set() }), 3);
}

export function parseChatRequest(body: unknown, models: ReadonlyMap<string, ChatModel>): ChatRequest | ApiError {
  const head = parseRequestHead(body, ALLOWED_KEYS, models);
  if ('status' in head) return head;
  const { b, model } = head;
  if (b.stream === true) return invalid('This emulator does not stream; send stream: false.', 'stream');
  if (b.n !== undefined && b.n !== null && b.n !== 1) return invalid('This emulator answers with one choice (n = 1).', 'n');

  if (b.messages === undefined) return invalid("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  if (!Array.isArray(b.messages)) return errors.invalidType('messages', 'an array', b.messages);
  if (b.messages.length === 0) return invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array');
  const messages: ChatMessage[] = [];
  for (const [i, m] of (b.messages as unknown[]).entries()) {
    const msg = m as { role?: unknown; content?: unknown };
    if (typeof m !== 'object' || m === null) return errors.invalidType(`messages[${i}]`, 'an object', m);
    if (typeof msg.role !== 'string' || !ROLES.has(msg.role)) return invalid(`Invalid value: '${String(msg.role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`, `messages[${i}].role`, 'invalid_value');
    let content: string;
    if (typeof msg.content === 'string') content = msg.content;
    else if (Array.isArray(msg.content) && msg.content.every((p) => typeof p === 'object' && p !== null && (p as { type?: unknown }).type === 'text' && typeof (p as { text?: unknown }).text === 'string'))
      content = (msg.content as { text: string }[]).map((p) => p.text).join('');
    else return errors.invalidType(`messages[${i}].content`, 'a string or an array of text parts', msg.content);
    messages.push({ role: msg.role as ChatMessage['role'], content });
  }

  const maxRaw = b.max_completion_tokens ?? b.max_tokens;
  const maxParam = b.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens';
  let maxTokens: number | null = null;
  if (maxRaw !== undefined && maxRaw !== null) {
    if (typeof maxRaw !== 'number' || !Number.isInteger(maxRaw)) return errors.invalidType(maxParam, 'an integer', maxRaw);
    if (maxRaw < 1) return invalid(`Invalid '${maxParam}': integer below minimum value. Expected a value >= 1, but got ${maxRaw} instead.`, maxParam, 'integer_below_min_value');
    if (maxRaw > model.maxOutputTokens) return invalid(`max_tokens is too large: ${maxRaw}. This model supports at most ${model.maxOutputTokens} completion tokens, whereas you provided ${maxRaw}.`, maxParam, 'invalid_value');
    maxTokens = maxRaw;
  }

  const rf = parseResponseFormat(b.response_format, messages);
  if ('status' in rf) return rf;
  const tokens = promptTokens(messages);
  if (tokens + (maxTokens ?? 0) > model.contextWindow)
    return invalid(`This model's maximum context length is ${model.contextWindow} tokens. However, your messages resulted in ${tokens} tokens. Please reduce the length of the messages.`, 'messages', 'context_length_exceeded');
  return { model, messages, responseFormat: rf, maxTokens, promptTokens: tokens };
}

function parseResponseFormat(v: unknown, messages: ChatMessage[]): ResponseFormat | ApiError {
  if (v === undefined || v === null) return { type: 'text' };
  if (typeof v !== 'object' || Array.isArray(v)) return errors.invalidType('response_format', 'an object', v);
  const type = (v as { type?: unknown }).type;
  if (type === 'text') return { type: 'text' };
  if (type === 'json_object') {
    if (!messages.some((m) => /json/i.test(m.content))) return invalid("'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", 'messages');
    return { type: 'json_object' };
  }
  if (type !== 'json_schema') return invalid(`Invalid value: '${String(type)}'. Supported values are: 'text', 'json_object', and 'json_schema'.`, 'response_format.type', 'invalid_value');
  const js = (v as { json_schema?: unknown }).json_schema as { name?: unknown; schema?: unknown; strict?: unknown } | undefined;
  if (!js || typeof js !== 'object') return invalid("Missing required parameter: 'response_format.json_schema'.", 'response_format.json_schema', 'missing_required_parameter');
  if (typeof js.name !== 'string' || js.name === '') return invalid("Missing required parameter: 'response_format.json_schema.name'.", 'response_format.json_schema.name', 'missing_required_parameter');
  if (!/^[a-zA-Z0-9_-]{1,64}$/.test(js.name)) return invalid(`Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`, 'response_format.json_schema.name', 'invalid_value');
  const schema = (js.schema ?? {}) as JsonSchema;
  const strict = js.strict === true;
  if (strict) {
    const problem = strictProblem(schema, []);
    if (problem) return invalid(`Invalid schema for response_format '${js.name}': In context=(${problem.path.map((p) => `'${p}'`).join(', ')}), ${problem.message}.`, 'response_format', 'invalid_json_schema');
  }
  return { type: 'json_schema', name: js.name, schema, strict };
}

/** Structured Outputs' rules for strict schemas: closed objects whose every property is required. */
function strictProblem(s: JsonSchema, path: string[]): { path: string[]; message: string } | null {
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.includes('object')) {
    if (s.additionalProperties !== false) return { path, message: "'additionalProperties' is required to be supplied and to be false" };
    const props = Object.keys(s.properties ?? {});
    const missing = props.find((p) => !(s.required ?? []).includes(p));
    if (missing) return { path, message: `'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'` };
    for (const p of props) {
      const inner = strictProblem(s.properties![p], [...path, 'properties', p]);
      if (inner) return inner;
    }
  }
  if (types.includes('array') && s.items) return strictProblem(s.items, [...path, 'items']);
  return null;
}

/** A value that satisfies `schema`, chosen deterministically from `seed` (what "the model" answers). */
export function generateFromSchema(schema: JsonSchema, seed: string, name = 'value', subject = ''): unknown {
  const h = (k: string) => createHash('sha256').update(`${seed}\u0000${k}`).digest().readUInt32BE(0) / 2 ** 32;
  if (schema.enum?.length) return schema.enum[Math.floor(h(name) * schema.enum.length)];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, generateFromSchema(v, seed, k, subject)]));
    case 'array': {
      const lo = schema.minItems ?? 1;
      const hi = Math.max(lo, Math.min(schema.maxItems ?? 3, 3));
      const n = lo + Math.floor(h(`${name}#n`) * (hi - lo + 1));
      return Array.from({ length: n }, (_, i) => generateFromSchema(schema.items ?? { type: 'string' }, seed, `${name}[${i}]`, subject));
    }
    case 'number':
    case 'integer': {
      const lo = schema.minimum ?? 0;
      const hi = schema.maximum ?? lo + 100;
      const x = lo + h(name) * (hi - lo);
      return type === 'integer' ? Math.round(x) : Math.round(x * 10) / 10;
    }
    case 'boolean':
      return h(name) < 0.5;
    case 'null':
      return null;
    default:
      return `${name.replace(/[_[\]0-9]+/g, ' ').trim()}: ${subject || 'emulated answer'}`;
  }
}

/** The answer when the test scripts none: JSON for the JSON formats, prose otherwise. */
export function generatedContent(req: ChatRequest): string {
  const user = [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const seed = createHash('sha256').update(user).digest('hex');
  const subject = user.split('\n').find((l) => l.trim() !== '')?.trim().slice(0, 80) ?? '';
  if (req.responseFormat.type === 'json_schema') return JSON.stringify(generateFromSchema(req.responseFormat.schema, seed, 'value', subject));
  if (req.responseFormat.type === 'json_object') return JSON.stringify({ answer: `emulated answer: ${subject}` });
  return `Emulated answer to: ${subject}`;
}

/** The response body, the content cut at max_tokens (finish_reason "length") like the real API. */
export function renderChatResponse(req: ChatRequest, content: string): { body: string; completionTokens: number } {
  let tokens = encode(content, { disallowedSpecial: new Set() });
  let finish = 'stop';
  if (req.maxTokens !== null && tokens.length > req.maxTokens) {
    tokens = tokens.slice(0, req.maxTokens);
    content = decode(tokens);
    finish = 'length';
  }
  const body = {
    id: `chatcmpl-${createHash('sha256').update(`${Date.now()}${Math.random()}`).digest('base64url').slice(0, 29)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: req.model.snapshot,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null, annotations: [] }, logprobs: null, finish_reason: finish }],
    usage: {
      prompt_tokens: req.promptTokens,
      completion_tokens: tokens.length,
      total_tokens: req.promptTokens + tokens.length,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_emulator',
  };
  return { body: JSON.stringify(body), completionTokens: tokens.length };
}
