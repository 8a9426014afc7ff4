import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/main/logging/redact.ts';

describe('redaction', () => {
  const r = new Redactor();

  it('removes common token shapes', () => {
    const gh = 'ghp_' + 'a'.repeat(36);
    const pat = 'github_pat_' + 'B1_'.repeat(10);
    const sk = 'sk-proj-' + 'x'.repeat(40);
    const out = r.string(`tokens ${gh} and ${pat} and ${sk}`);
    expect(out).not.toContain(gh);
    expect(out).not.toContain(pat);
    expect(out).not.toContain(sk);
    expect(out).toContain('gh*_[redacted]');
  });

  it('removes passwords inside connection URLs but keeps user and host', () => {
    const out = r.string('connect postgres://app:s3cr3t-pw@db.internal:5432/warehouse failed');
    expect(out).toBe('connect postgres://app:[redacted]@db.internal:5432/warehouse failed');
    expect(r.string('redis://:hunter22@cache:6379')).toBe('redis://:[redacted]@cache:6379');
  });

  it('removes bearer tokens', () => {
    expect(r.string('Authorization: Bearer abcdefghijklmnopqrstuvwxyz')).toBe('Authorization: Bearer [redacted]');
  });

  it('removes registered secret values anywhere, including odd shapes', () => {
    const local = new Redactor();
    local.add('milvus-token-XYZ-12345');
    expect(local.string('token=milvus-token-XYZ-12345;')).toBe('token=[redacted];');
    local.add('abc'); // too short to register safely: would mangle ordinary words
    expect(local.string('abc')).toBe('abc');
  });

  it('redacts nested values and secret-looking keys', () => {
    const out = r.value({ a: { password: 'p', apiKey: 'k', list: ['ghp_' + 'z'.repeat(30)] }, n: 3, ok: true });
    expect(out).toEqual({ a: { password: '[redacted]', apiKey: '[redacted]', list: ['gh*_[redacted]'] }, n: 3, ok: true });
  });

  it('leaves ordinary text alone', () => {
    const text = 'synced 42 pull requests from octo/repo in 3.2 s';
    expect(r.string(text)).toBe(text);
  });
});

describe('redaction gaps found in the review', () => {
  const r = new Redactor();

  it('URL passwords holding "/" or "@" (unencoded)', () => {
    expect(r.string('connect postgres://app:pa/ss@w@rd@db.internal:5432/warehouse failed')).toBe('connect postgres://app:[redacted]@db.internal:5432/warehouse failed');
    expect(r.string('redis://:a/b/c@cache:6379/0')).toBe('redis://:[redacted]@cache:6379/0');
    expect(r.string('postgres://app@db/x and https://example.com/a@b')).toBe('postgres://app@db/x and https://example.com/a@b');
  });

  it('?password= and other secret query parameters', () => {
    expect(r.string('GET https://svc.local/health?user=ops&password=hunter2&x=1')).toBe('GET https://svc.local/health?user=ops&password=[redacted]&x=1');
    expect(r.string('postgres://db/x?sslmode=require&sslpassword=abc123')).toBe('postgres://db/x?sslmode=require&sslpassword=[redacted]');
    expect(r.string('milvus?token=abcdef&db=x')).toBe('milvus?token=[redacted]&db=x');
  });

  it('libpq key/value strings and environment lines', () => {
    expect(r.string("host=db user=app password=s3cret dbname=w")).toBe('host=db user=app password=[redacted] dbname=w');
    expect(r.string("host=db password='with space' port=5432")).toBe('host=db password=[redacted] port=5432');
    expect(r.string('PGPASSWORD=topsecret pg_dump -Fc')).toBe('PGPASSWORD=[redacted] pg_dump -Fc');
    expect(r.string('export OPENAI_API_KEY=abc.def')).toBe('export OPENAI_API_KEY=[redacted]');
    expect(r.string('{"dbPassword": "pw1", "n": 3}')).toBe('{"dbPassword": "[redacted]", "n": 3}');
  });

  it('secret-looking keys in objects: PGPASSWORD, dbPassword, github_token — but not token counts', () => {
    expect(r.value({ PGPASSWORD: 'a', dbPassword: 'b', github_token: 'c', openai_key: 'd', clientSecret: 'e', tokens: 1234, max_tokens: 5, concurrencyKey: 'k' })).toEqual({
      PGPASSWORD: '[redacted]',
      dbPassword: '[redacted]',
      github_token: '[redacted]',
      openai_key: '[redacted]',
      clientSecret: '[redacted]',
      tokens: 1234,
      max_tokens: 5,
      concurrencyKey: 'k',
    });
  });

  it('objects nested deeper than 8 levels are cut, never copied unredacted', () => {
    let deep: Record<string, unknown> = { password: 'deep-secret', note: 'postgres://u:deep-pw@h/db' };
    for (let i = 0; i < 12; i++) deep = { level: deep };
    const out = JSON.stringify(r.value(deep));
    expect(out).not.toContain('deep-secret');
    expect(out).not.toContain('deep-pw');
    expect(out).toContain('[nested too deep]');
  });
});
