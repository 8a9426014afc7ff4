import type { LogLevel } from '../../shared/contract/logs.ts';
import { LEVEL_NUMBERS } from './levels.ts';
import type { Redactor } from './redact.ts';

/** One structured log record, before it is stored. */
export interface LogRecord {
  ts: number;
  level: LogLevel;
  event: string;
  msg: string;
  runId: string | null;
  component: string | null;
  data: Record<string, unknown>;
}

export interface LogSink {
  write(record: LogRecord): void;
}

export interface LogBindings {
  runId?: string;
  component?: string;
}

/**
 * Structured logger: `log.info('rate_limit_hit', 'waiting 30 s', { resetAt })`.
 * Event names follow the runbooks (pipeline_started, scrape_progress …); every
 * record can be tied to a job run through `child({ runId })`.
 */
export class Logger {
  private readonly sinks: LogSink[];
  private readonly redactor: Redactor;
  private readonly bindings: LogBindings;
  private readonly minLevel: number;

  constructor(opts: { sinks: LogSink[]; redactor: Redactor; bindings?: LogBindings; minLevel?: LogLevel }) {
    this.sinks = opts.sinks;
    this.redactor = opts.redactor;
    this.bindings = opts.bindings ?? {};
    this.minLevel = LEVEL_NUMBERS[opts.minLevel ?? 'debug'];
  }

  /** Text with secrets removed, for anything stored or sent besides log records (job errors, runbook steps). */
  redact(text: string): string {
    return this.redactor.string(text);
  }

  redactValue<T>(value: T): T {
    return this.redactor.value(value);
  }

  child(bindings: LogBindings): Logger {
    return new Logger({ sinks: this.sinks, redactor: this.redactor, bindings: { ...this.bindings, ...bindings }, minLevel: levelOf(this.minLevel) });
  }

  trace(event: string, msg = '', data: Record<string, unknown> = {}): void {
    this.write('trace', event, msg, data);
  }
  debug(event: string, msg = '', data: Record<string, unknown> = {}): void {
    this.write('debug', event, msg, data);
  }
  info(event: string, msg = '', data: Record<string, unknown> = {}): void {
    this.write('info', event, msg, data);
  }
  warn(event: string, msg = '', data: Record<string, unknown> = {}): void {
    this.write('warn', event, msg, data);
  }
  error(event: string, msg = '', data: Record<string, unknown> = {}): void {
    this.write('error', event, msg, data);
  }
  fatal(event: string, msg = '', data: Record<string, unknown> = {}): void {
    this.write('fatal', event, msg, data);
  }

  private write(level: LogLevel, event: string, msg: string, data: Record<string, unknown>): void {
    if (LEVEL_NUMBERS[level] < this.minLevel) return;
    const record: LogRecord = {
      ts: Date.now(),
      level,
      event,
      msg: this.redactor.string(msg),
      runId: this.bindings.runId ?? null,
      component: this.bindings.component ?? null,
      data: this.redactor.value(data),
    };
    for (const s of this.sinks) {
      try {
        s.write(record);
      } catch {
        // a failing sink must never take the caller down
      }
    }
  }
}

function levelOf(n: number): LogLevel {
  return (Object.entries(LEVEL_NUMBERS).find(([, v]) => v === n)?.[0] ?? 'debug') as LogLevel;
}

/** JSON lines on a stream (stderr for the CLI), pino-compatible field names. */
export function jsonLinesSink(stream: NodeJS.WritableStream, minLevel: LogLevel = 'info'): LogSink {
  const min = LEVEL_NUMBERS[minLevel];
  return {
    write(r) {
      if (LEVEL_NUMBERS[r.level] < min) return;
      stream.write(JSON.stringify({ time: new Date(r.ts).toISOString(), level: LEVEL_NUMBERS[r.level], event: r.event, msg: r.msg, runId: r.runId ?? undefined, component: r.component ?? undefined, ...r.data }) + '\n');
    },
  };
}
