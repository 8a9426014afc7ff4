// OpenAI embeddings API emulator on 127.0.0.1 for tests and benchmarks.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Account } from './account.ts';
import type { AccountLimits } from './account.ts';
import { DEFAULT_CHAT_MODELS, generatedContent, parseChatRequest, renderChatResponse } from './chat.ts';
import type { ChatModel, ChatResponder } from './chat.ts';
import { inputText, parseEmbeddingRequest, renderEmbeddingResponse } from './embeddings.ts';
import * as errors from './errors.ts';
import type { ApiError } from './errors.ts';
import { FaultInjector } from './faults.ts';
import type { Fault } from './faults.ts';
import { DEFAULT_MODELS, modelObject } from './models.ts';
import type { EmbeddingModel } from './models.ts';
import { formatDuration } from './rate-limit.ts';
import { clearStats, emptyStats } from './stats.ts';
import type { EmulatorStats } from './stats.ts';

export type { ChatModel, ChatRequest, ChatResponder } from './chat.ts';
export type { Fault } from './faults.ts';
export type { EmbeddingModel } from './models.ts';
export type { EmulatorStats } from './stats.ts';

export interface OpenAIEmulatorOptions {
  /** Default 0 (a free port). */
  port?: number;
  /** Accepted `Authorization: Bearer` keys; when empty or unset any non-empty key is accepted. */
  apiKeys?: string[];
  /** Named in rate-limit messages and the openai-organization header. Default 'org-emulator'. */
  organization?: string;
  /** Added before every successful embeddings response. Default 0. */
  latencyMs?: number;
  /** Further latency per billed token. Default 0. */
  latencyPerTokenMs?: number;
  /** Requests per minute, per model. Default 10,000. */
  rpm?: number;
  /** Tokens per minute, per model. Default 10,000,000. */
  tpm?: number;
  /** Tokens the account may spend in total before requests fail with insufficient_quota. Default unlimited. */
  quotaTokens?: number;
  /** How full the RPM/TPM buckets start, 0..1. Default 1 (idle account); benchmarks use 0 (busy account). */
  initialFill?: number;
  faults?: Fault[];
  /** Known models. Default: text-embedding-3-small, text-embedding-3-large, text-embedding-ada-002. */
  models?: EmbeddingModel[];
  /** Chat models (POST /v1/chat/completions). Default: gpt-4o-mini, gpt-4o. */
  chatModels?: ChatModel[];
  /** Scripts the assistant's content per request (undefined: an answer generated from the response schema). */
  chatResponder?: ChatResponder | null;
  /** Keep every embedded input in `stats.texts`. Default true; turn off for benchmarks. */
  recordTexts?: boolean;
  /** Milliseconds clock for the rate limiters (tests can drive it). Default performance.now. */
  clock?: () => number;
}

export interface OpenAIEmulator {
  /** http://127.0.0.1:PORT/v1 */
  baseUrl: string;
  port: number;
  /** Live counters; `resetStats` clears them in place. */
  stats: EmulatorStats;
  /** Changes options on the fly. New rpm/tpm start full buckets; new faults restart request numbering. */
  setOptions(partial: Omit<OpenAIEmulatorOptions, 'port'>): void;
  resetStats(): void;
  close(): Promise<void>;
}

type Settings = Required<Omit<OpenAIEmulatorOptions, 'port'>>;

export async function startOpenAIEmulator(options: OpenAIEmulatorOptions = {}): Promise<OpenAIEmulator> {
  const { port = 0, ...rest } = options;
  const settings: Settings = {
    apiKeys: [],
    organization: 'org-emulator',
    latencyMs: 0,
    latencyPerTokenMs: 0,
    rpm: 10_000,
    tpm: 10_000_000,
    quotaTokens: Infinity,
    initialFill: 1,
    faults: [],
    models: [...DEFAULT_MODELS],
    chatModels: [...DEFAULT_CHAT_MODELS],
    chatResponder: null,
    recordTexts: true,
    clock: () => performance.now(),
  };
  assignDefined(settings, rest);
  const limits = (): AccountLimits => ({ rpm: settings.rpm, tpm: settings.tpm, quotaTokens: settings.quotaTokens, organization: settings.organization, initialFill: settings.initialFill });
  const account = new Account(limits());
  let injector = new FaultInjector(settings.faults);
  let models = new Map(settings.models.map((m) => [m.id, m]));
  let chatModels = new Map(settings.chatModels.map((m) => [m.id, m]));
  const stats = emptyStats();
  const timers = new Set<NodeJS.Timeout>();

  function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  }

  function baseHeaders(startedAt: number, extra?: Record<string, string>): Record<string, string> {
    return {
      'x-request-id': `req_${randomBytes(16).toString('hex')}`,
      'openai-organization': settings.organization,
      'openai-version': '2020-10-01',
      'openai-processing-ms': String(Math.round(performance.now() - startedAt)),
      ...extra,
    };
  }

  function sendError(res: ServerResponse, e: ApiError, startedAt: number, extra?: Record<string, string>): void {
    send(res, e.status, errors.errorBody(e), baseHeaders(startedAt, { ...extra, ...e.headers }));
  }

  /** The configured faults, shared by every endpoint: true when one was sent instead of the answer. */
  function injectFault(req: IncomingMessage, res: ServerResponse, startedAt: number, requestedModel: string, limitHeaders: () => Record<string, string>): boolean {
    const fault = injector.next();
    if (fault) {
      stats.faultsInjected++;
      if (fault.kind === 'disconnect') {
        stats.byStatus[0] = (stats.byStatus[0] ?? 0) + 1;
        req.socket.destroy();
        return true;
      }
      if (fault.kind === 'status') {
        const retry = fault.retryAfterMs === undefined ? undefined : { 'retry-after-ms': String(fault.retryAfterMs) };
        sendError(res, errors.serverError(fault.status), startedAt, retry);
        return true;
      }
      const kind = fault.limitType ?? 'requests';
      const waitMs = Math.round((fault.retryAfterSec ?? 1) * 1000);
      const limit = kind === 'requests' ? settings.rpm : settings.tpm;
      const e = errors.rateLimitReached({ kind, model: requestedModel, organization: settings.organization, limit, used: limit, requested: 1, retryIn: formatDuration(waitMs) });
      sendError(res, e, startedAt, { ...limitHeaders(), 'retry-after': String(Math.ceil(waitMs / 1000)), 'retry-after-ms': String(waitMs) });
      return true;
    }
    return false;
  }

  async function chat(req: IncomingMessage, res: ServerResponse, startedAt: number): Promise<void> {
    const body = await readBody(req);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return sendError(res, errors.invalidJson(), startedAt);
    }
    const requestedModel = typeof (json as { model?: unknown })?.model === 'string' ? (json as { model: string }).model : settings.chatModels[0]?.id ?? '';
    const limitHeaders = (): Record<string, string> => account.headers(requestedModel, settings.clock());
    if (injectFault(req, res, startedAt, requestedModel, limitHeaders)) return;
    const parsed = parseChatRequest(json, chatModels);
    if ('status' in parsed) return sendError(res, parsed, startedAt, chatModels.has(requestedModel) ? limitHeaders() : undefined);
    const model = parsed.model.id;
    // Like the real API, the TPM check counts the prompt plus the completion it may write.
    const rejected = account.admit(model, parsed.promptTokens + (parsed.maxTokens ?? 0), settings.clock());
    if (rejected) {
      if (rejected.code === 'rate_limit_exceeded') stats.rateLimited++;
      return sendError(res, rejected, startedAt, limitHeaders());
    }
    const admittedHeaders = limitHeaders();
    const content = settings.chatResponder?.(parsed) ?? generatedContent(parsed);
    const { body: payload, completionTokens } = renderChatResponse(parsed, content);
    const m = (stats.chat[model] ??= { requests: 0, promptTokens: 0, completionTokens: 0 });
    m.requests++;
    m.promptTokens += parsed.promptTokens;
    m.completionTokens += completionTokens;
    const respond = (): void => send(res, 200, payload, baseHeaders(startedAt, { ...admittedHeaders, 'openai-model': parsed.model.snapshot }));
    if (settings.latencyMs <= 0) return respond();
    const timer = setTimeout(() => {
      timers.delete(timer);
      respond();
    }, settings.latencyMs);
    timers.add(timer);
  }

  async function embeddings(req: IncomingMessage, res: ServerResponse, startedAt: number): Promise<void> {
    const body = await readBody(req);
    const t0 = performance.now();
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return sendError(res, errors.invalidJson(), startedAt);
    }
    const requestedModel = typeof (json as { model?: unknown })?.model === 'string' ? (json as { model: string }).model : settings.models[0]?.id ?? '';
    const limitHeaders = (): Record<string, string> => account.headers(requestedModel, settings.clock());

    if (injectFault(req, res, startedAt, requestedModel, limitHeaders)) return;

    const parsed = parseEmbeddingRequest(json, models);
    if ('status' in parsed) return sendError(res, parsed, startedAt, models.has(requestedModel) ? limitHeaders() : undefined);

    const model = parsed.model.id;
    const rejected = account.admit(model, parsed.totalTokens, settings.clock());
    if (rejected) {
      if (rejected.code === 'rate_limit_exceeded') stats.rateLimited++;
      return sendError(res, rejected, startedAt, limitHeaders());
    }

    const admittedHeaders = limitHeaders(); // as of admission, like the real API
    const payload = renderEmbeddingResponse(parsed);
    stats.billedTokens += parsed.totalTokens;
    stats.inputsEmbedded += parsed.inputs.length;
    const m = (stats.byModel[model] ??= { requests: 0, inputs: 0, tokens: 0 });
    m.requests++;
    m.inputs += parsed.inputs.length;
    m.tokens += parsed.totalTokens;
    if (settings.recordTexts) for (const raw of parsed.raw) stats.texts.push(inputText(raw));
    const cpu = performance.now() - t0;
    stats.cpuMs += cpu;
    stats.maxCpuMs = Math.max(stats.maxCpuMs, cpu);

    const delay = settings.latencyMs + settings.latencyPerTokenMs * parsed.totalTokens;
    const respond = (): void => send(res, 200, payload, baseHeaders(startedAt, { ...admittedHeaders, 'openai-model': model }));
    if (delay <= 0) return respond();
    const timer = setTimeout(() => {
      timers.delete(timer);
      respond();
    }, delay);
    timers.add(timer);
  }

  function route(req: IncomingMessage, res: ServerResponse): Promise<void> | void {
    const startedAt = performance.now();
    stats.requests++;
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '');

    const key = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    if (!key) return sendError(res, errors.missingApiKey(), startedAt);
    if (settings.apiKeys.length > 0 && !settings.apiKeys.includes(key)) return sendError(res, errors.invalidApiKey(key), startedAt);

    if (path === '/v1/embeddings') {
      if (method !== 'POST') return sendError(res, errors.invalidMethod(method, path), startedAt);
      return embeddings(req, res, startedAt);
    }
    if (path === '/v1/chat/completions') {
      if (method !== 'POST') return sendError(res, errors.invalidMethod(method, path), startedAt);
      return chat(req, res, startedAt);
    }
    if (path === '/v1/models') {
      if (method !== 'GET') return sendError(res, errors.invalidMethod(method, path), startedAt);
      const list = { object: 'list', data: [...[...models.values()].map(modelObject), ...[...chatModels.values()].map(modelObject)] };
      return send(res, 200, JSON.stringify(list), baseHeaders(startedAt));
    }
    if (path.startsWith('/v1/models/')) {
      if (method !== 'GET') return sendError(res, errors.invalidMethod(method, path), startedAt);
      const id = decodeURIComponent(path.slice('/v1/models/'.length));
      const m = models.get(id) ?? chatModels.get(id);
      if (!m) return sendError(res, errors.modelNotFound(id), startedAt);
      return send(res, 200, JSON.stringify(modelObject(m)), baseHeaders(startedAt));
    }
    return sendError(res, errors.invalidUrl(method, path), startedAt);
  }

  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => route(req, res))
      .catch((err: unknown) => {
        if (req.destroyed || res.destroyed) return; // client went away mid-request
        // A bug in the emulator should fail loudly in the client, not hang it.
        sendError(res, { ...errors.serverError(500), message: `Emulator error: ${String(err)}` }, performance.now());
      });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;

  return {
    baseUrl: `http://127.0.0.1:${actualPort}/v1`,
    port: actualPort,
    stats,
    setOptions(partial) {
      assignDefined(settings, partial);
      if ('rpm' in partial || 'tpm' in partial || 'quotaTokens' in partial || 'organization' in partial) account.configure(limits());
      if ('faults' in partial) injector = new FaultInjector(settings.faults);
      if ('models' in partial) models = new Map(settings.models.map((m) => [m.id, m]));
      if ('chatModels' in partial) chatModels = new Map(settings.chatModels.map((m) => [m.id, m]));
    },
    resetStats: () => clearStats(stats),
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function assignDefined<T extends object>(target: T, source: Partial<T>): void {
  for (const [k, v] of Object.entries(source)) if (v !== undefined) (target as Record<string, unknown>)[k] = v;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
  });
}
