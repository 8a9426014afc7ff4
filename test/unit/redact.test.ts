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
