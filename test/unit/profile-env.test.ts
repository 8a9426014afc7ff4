// Profile settings as text (key=value, environment variables) and the environment's overrides
// of the active profile, on a real core (SQLite store).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILE_SETTINGS, envOverrides, formatProfileValue, parseProfileValue, withEnvOverrides } from '../../src/main/profiles/profile-env.ts';
import { ProfileService } from '../../src/main/profiles/profile-service.ts';
import { startTestCore, type TestCore } from '../helpers/core.ts';

let t: TestCore;
beforeAll(async () => {
  t = await startTestCore();
});
afterAll(() => t.close());

describe('profile settings as text', () => {
  it('parses every kind of setting and formats it back', () => {
    expect(parseProfileValue('embeddingDimensions', ' 256 ', 'x')).toBe(256);
    expect(parseProfileValue('redisQueueKeys', 'bull:*:wait, bee:*:waiting,', 'x')).toEqual(['bull:*:wait', 'bee:*:waiting']);
    expect(parseProfileValue('redisQueueKeys', '', 'x')).toEqual([]);
    const services = parseProfileValue('httpServices', 'api=http://h:1/health?a=b, web=https://w/', 'x');
    expect(services).toEqual([{ name: 'api', url: 'http://h:1/health?a=b' }, { name: 'web', url: 'https://w/' }]);
    expect(parseProfileValue('httpServices', '[{"name":"api","url":"http://h/"}]', 'x')).toEqual([{ name: 'api', url: 'http://h/' }]);
    expect(formatProfileValue('httpServices', services)).toBe('api=http://h:1/health?a=b,web=https://w/');
    expect(parseProfileValue('githubApiUrl', 'https://ghe.example.com/api/v3', 'x')).toBe('https://ghe.example.com/api/v3');
  });

  it('names the source and the rule when a value is bad', () => {
    expect(() => parseProfileValue('embeddingDimensions', '12abc', 'REPO_OPS_EMBEDDING_DIMENSIONS')).toThrow('REPO_OPS_EMBEDDING_DIMENSIONS: must be a whole number, got "12abc"');
    expect(() => parseProfileValue('embeddingDimensions', '0', 'embeddingDimensions')).toThrow(/^embeddingDimensions: .*got "0"/);
    expect(() => parseProfileValue('openaiBaseUrl', 'ftp://x', 'openaiBaseUrl')).toThrow(/^openaiBaseUrl: .*got "ftp:\/\/x"/);
    expect(() => parseProfileValue('warehouseSchema', 'Ops-Console', 'warehouseSchema')).toThrow('warehouseSchema: lower-case letters, digits and _ only');
    expect(() => parseProfileValue('milvusCollection', '1st', 'milvusCollection')).toThrow('milvusCollection: letters, digits and _ only');
    expect(() => parseProfileValue('httpServices', 'just-a-name', 'httpServices')).toThrow('httpServices: each service is name=url, got "just-a-name"');
    expect(() => parseProfileValue('httpServices', 'api=not a url', 'httpServices')).toThrow(/^httpServices: .*\(at 0\.url\)/);
    expect(() => parseProfileValue('redisQueueKeys', '[1,', 'REPO_OPS_REDIS_QUEUE_KEYS')).toThrow('REPO_OPS_REDIS_QUEUE_KEYS: not valid JSON');
  });

  it('every non-secret profile field is a setting', () => {
    const fields = Object.keys((t.core.profiles.ensureActive() as Record<string, unknown>)).filter((k) => !['id', 'active', 'createdAt', 'updatedAt'].includes(k));
    expect(Object.keys(PROFILE_SETTINGS).sort()).toEqual(fields.sort());
  });
});

describe('environment overrides', () => {
  it('apply to the profile the core uses, never to the stored one', () => {
    const env = { GITHUB_API_URL: 'http://127.0.0.1:1/api', REPO_OPS_GITHUB_API_URL: 'http://ignored/', OPENAI_BASE_URL: '', REPO_OPS_REDIS_QUEUE_KEYS: 'a,b' };
    expect(envOverrides(env)).toEqual([
      { key: 'githubApiUrl', envVar: 'GITHUB_API_URL' },
      { key: 'redisQueueKeys', envVar: 'REPO_OPS_REDIS_QUEUE_KEYS' },
    ]);
    const profiles = new ProfileService(t.core.db, env);
    const stored = profiles.get(profiles.ensureActive().id);
    expect(profiles.ensureActive()).toMatchObject({ id: stored.id, githubApiUrl: 'http://127.0.0.1:1/api', redisQueueKeys: ['a', 'b'], openaiBaseUrl: stored.openaiBaseUrl });
    expect(profiles.active()?.githubApiUrl).toBe('http://127.0.0.1:1/api');
    expect(stored.githubApiUrl).toBe('https://api.github.com');
    expect(profiles.list().map((p) => p.githubApiUrl)).not.toContain('http://127.0.0.1:1/api');
    expect(withEnvOverrides(stored, {})).toBe(stored);
    expect(() => new ProfileService(t.core.db, { GITHUB_API_URL: 'nope' }).ensureActive()).toThrow(/^GITHUB_API_URL \(overrides githubApiUrl\): .*got "nope"/);
  });

  it('REPO_OPS_PROFILE picks the profile by name or id, and says so when it names none', async () => {
    const other = await t.ops.profiles.create({ name: 'Other', warehouseSchema: 'other_ops' });
    expect(new ProfileService(t.core.db, { REPO_OPS_PROFILE: 'other' }).ensureActive()).toMatchObject({ id: other.id, warehouseSchema: 'other_ops' });
    expect(new ProfileService(t.core.db, { REPO_OPS_PROFILE: other.id }).active()?.name).toBe('Other');
    expect(() => new ProfileService(t.core.db, { REPO_OPS_PROFILE: 'Missing' }).active()).toThrow(/REPO_OPS_PROFILE="Missing" names no profile\. Profiles: .*Other/);
    expect(t.core.profiles.active()?.name).not.toBe('Other');
  });
});
