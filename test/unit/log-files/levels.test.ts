import { describe, expect, it } from 'vitest';
import { detectLevel, detectLevelBytes, levelMask, LEVELS } from '../../../src/main/log-files/levels.ts';

describe('detectLevel', () => {
  it('reads pino/bunyan numeric levels', () => {
    expect(detectLevel('{"level":10,"msg":"x"}')).toBe('trace');
    expect(detectLevel('{"level":20,"msg":"x"}')).toBe('debug');
    expect(detectLevel('{"level":30,"time":1,"msg":"ERROR in text is ignored"}')).toBe('info');
    expect(detectLevel('{"name":"app","hostname":"h","pid":1,"level":40,"msg":"x"}')).toBe('warn');
    expect(detectLevel('{"level" : 50}')).toBe('error');
    expect(detectLevel('{"level":60}')).toBe('fatal');
    expect(detectLevel('{"level":35}')).toBe('info');
  });

  it('reads string levels and severity fields', () => {
    expect(detectLevel('{"level":"info","msg":"x"}')).toBe('info');
    expect(detectLevel('{"level":"WARNING"}')).toBe('warn');
    expect(detectLevel('{"severity":"ERROR","message":"boom"}')).toBe('error');
    expect(detectLevel('{"severity":"CRITICAL"}')).toBe('fatal');
    expect(detectLevel('{"severity":"DEFAULT"}')).toBe('info');
    expect(detectLevel('{"severity":3}')).toBe('error'); // syslog numbers
    expect(detectLevel('{"levelname":"DEBUG"}')).toBe('debug');
    expect(detectLevel('  {"msg":"no level","lvl":"trace"}')).toBe('trace');
  });

  it('does not take a nested escaped "level" from a string value', () => {
    expect(detectLevel('{"msg":"the \\"level\\":50 text","level":30}')).toBe('info');
  });

  it('detects plain-text level tokens near the start', () => {
    expect(detectLevel('2025-01-01T10:00:00Z ERROR something broke')).toBe('error');
    expect(detectLevel('2025-01-01 10:00:00.123  WARN 1234 --- [main] o.s.Foo : slow')).toBe('warn');
    expect(detectLevel('INFO: server listening')).toBe('info');
    expect(detectLevel('WARNING:root:disk almost full')).toBe('warn');
    expect(detectLevel('[2025-01-01] [debug] cache warm')).toBe('debug');
    expect(detectLevel('time=2025 level=error msg="x"')).toBe('error');
    expect(detectLevel('info: winston style')).toBe('info');
    expect(detectLevel('TRACE enter()')).toBe('trace');
    expect(detectLevel('FATAL out of memory')).toBe('fatal');
    expect(detectLevel('CRITICAL disk failure')).toBe('fatal');
  });

  it('returns unknown when nothing looks like a level', () => {
    expect(detectLevel('')).toBe('unknown');
    expect(detectLevel('    at Object.<anonymous> (/app/x.js:1:1)')).toBe('unknown');
    expect(detectLevel('an information leak in ERRORS list')).toBe('unknown');
    expect(detectLevel(`${'x'.repeat(200)} ERROR late in a long line`)).toBe('unknown');
    expect(detectLevel('{"level":"verbose-ish"}')).toBe('unknown');
  });

  it('gives the same answer on bytes, with CRLF', () => {
    for (const line of ['{"level":50}', 'WARN x', 'nothing', '{"severity":"info"}']) {
      const buf = Buffer.from(`${line}\r`);
      expect(LEVELS[detectLevelBytes(buf, 0, buf.length)]).toBe(detectLevel(line));
    }
  });

  it('ignores a byte-order mark', () => {
    expect(detectLevel('\ufeff{"level":50}')).toBe('error');
    const buf = Buffer.from('\ufeff{"level":40}');
    expect(LEVELS[detectLevelBytes(buf, 0, buf.length)]).toBe('warn');
  });

  it('builds level masks', () => {
    expect(levelMask(undefined)).toBe(0);
    expect(levelMask([])).toBe(0);
    expect(levelMask([...LEVELS])).toBe(0);
    expect(levelMask(['error', 'fatal'])).toBe((1 << 4) | (1 << 5));
    expect(() => levelMask(['nope' as never])).toThrow(/Unknown level/);
  });
});
