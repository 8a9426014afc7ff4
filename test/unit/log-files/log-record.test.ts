import { describe, expect, it } from 'vitest';
import { epochToMs, formatLogTime, lineTime, parseIsoTime, parseLogRecord } from '../../../src/shared/log-record.ts';

const T = Date.UTC(2024, 4, 1, 12, 0, 0, 123);

describe('log records: time, message and fields of a line', () => {
  it('reads ISO-8601 times with and without a zone (no zone = UTC)', () => {
    expect(parseIsoTime('2024-05-01T12:00:00.123Z')).toBe(T);
    expect(parseIsoTime('2024-05-01 12:00:00,123')).toBe(T);
    expect(parseIsoTime('2024-05-01T14:00:00.123+02:00')).toBe(T);
    expect(parseIsoTime('2024-05-01T07:30:00.123-0430')).toBe(T);
    expect(parseIsoTime('2024-05-01T12:00:00.123456789Z')).toBe(T);
    expect(parseIsoTime('yesterday')).toBeNull();
  });

  it('tells epoch seconds, milliseconds, microseconds and nanoseconds apart by magnitude', () => {
    expect(epochToMs(T / 1000)).toBe(T);
    expect(epochToMs(T)).toBe(T);
    expect(epochToMs(T * 1000)).toBe(T);
    expect(epochToMs(T * 1e6)).toBe(T);
    expect(epochToMs(-5)).toBeNull();
  });

  it('finds the time of JSON lines by their usual keys, and of plain lines by a leading timestamp', () => {
    expect(lineTime(JSON.stringify({ level: 30, time: T, msg: 'pino' }))).toBe(T);
    expect(lineTime(JSON.stringify({ '@timestamp': '2024-05-01T12:00:00.123Z', message: 'ecs' }))).toBe(T);
    expect(lineTime(JSON.stringify({ ts: T / 1000, msg: 'zap' }))).toBe(T);
    expect(lineTime('{"msg":"the word \\"time\\" in a value", "timestamp": "2024-05-01T12:00:00.123Z"}')).toBe(T);
    expect(lineTime('[2024-05-01 12:00:00.123] ERROR boom')).toBe(T);
    expect(lineTime('2024-05-01T12:00:00.123Z worker started')).toBe(T);
    expect(lineTime('    at Object.<anonymous> (index.js:1:1)')).toBeNull();
    expect(lineTime('{"msg":"no time here"}')).toBeNull();
    expect(lineTime('{"time":"not a time","ts":' + T + '}')).toBe(T);
  });

  it('splits a JSON line into time, message and the other fields (level left to the index)', () => {
    const r = parseLogRecord(JSON.stringify({ level: 50, time: T, event: 'sync_failed', msg: 'GitHub said 502', repo: 'octo/widgets', attempt: 3, err: { code: 'E502' } }));
    expect(r).toEqual({ time: T, message: 'GitHub said 502', fields: [['event', 'sync_failed'], ['repo', 'octo/widgets'], ['attempt', '3'], ['err', '{"code":"E502"}']], json: true });
  });

  it('keeps plain text and broken JSON whole as the message', () => {
    expect(parseLogRecord('[2024-05-01 12:00:00.123] ERROR boom')).toEqual({ time: T, message: 'ERROR boom', fields: [], json: false });
    expect(parseLogRecord('{"msg": "cut off')).toEqual({ time: null, message: '{"msg": "cut off', fields: [], json: false });
    expect(parseLogRecord('plain words')).toEqual({ time: null, message: 'plain words', fields: [], json: false });
  });

  it('formats times in UTC to the millisecond', () => {
    expect(formatLogTime(T)).toBe('2024-05-01 12:00:00.123');
  });
});
