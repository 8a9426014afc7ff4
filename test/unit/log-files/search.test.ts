import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogFileIndex, LEVELS, type Level, type LogLine } from '../../../src/main/log-files/index.ts';
import { modelOf, pick, randomLine, rng, tempDir, WORDS, type ModelLine } from './helpers.ts';

// Independent reference matcher: regexes over the lowercased line.
function termRegex(term: string): RegExp {
  const esc = term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${/^[a-z0-9]/.test(term) ? '(?<![a-z0-9])' : ''}${esc}${/[a-z0-9]$/.test(term) ? '(?![a-z0-9])' : ''}`);
}

const lowered = new WeakMap<ModelLine, string>();
function brute(model: ModelLine[], terms: string[], levels: Level[] | undefined): ModelLine[] {
  const res = terms.map((t) => termRegex(t.toLowerCase()));
  return model.filter((l) => {
    if (levels && !levels.includes(l.level)) return false;
    let lower = lowered.get(l);
    if (lower === undefined) lowered.set(l, (lower = l.text.toLowerCase()));
    return res.every((re) => re.test(lower));
  });
}

interface Part { text: string; phrase: boolean }

function randomCase(rand: () => number, s: string): string {
  const r = rand();
  if (r < 0.6) return s;
  if (r < 0.8) return s.toUpperCase();
  return [...s].map((c) => (rand() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('');
}

/** A substring of `line` from the start of one token to the end of a later one. */
function tokenSpan(rand: () => number, line: string): string | null {
  const toks = [...line.matchAll(/[A-Za-z0-9]+/g)];
  if (toks.length === 0) return null;
  const i = Math.floor(rand() * toks.length);
  const j = Math.min(toks.length - 1, i + Math.floor(rand() * 3));
  return line.slice(toks[i].index, toks[j].index + toks[j][0].length);
}

function randomPart(rand: () => number, model: ModelLine[]): Part {
  const line = pick(rand, model).text;
  const kind = rand();
  if (kind < 0.25) {
    const id = /id[0-9a-z]+z[0-9a-z]+/.exec(line)?.[0] ?? 'idnone';
    return { text: randomCase(rand, rand() < 0.2 ? id.slice(0, -1) : id), phrase: false };
  }
  if (kind < 0.5) return { text: randomCase(rand, pick(rand, WORDS)), phrase: false };
  if (kind < 0.75) {
    const span = tokenSpan(rand, line);
    if (span && !span.includes('"')) return { text: randomCase(rand, span), phrase: /\s/.test(span) };
    return { text: 'pipeline', phrase: false };
  }
  if (kind < 0.9) return { text: `absent${Math.floor(rand() * 1e9).toString(36)}`, phrase: false };
  return { text: pick(rand, ['level=error', 'rate_limit', 'ok', 'x', '42', 'v2', 'Déjà', '日本', ':', '.js:1']), phrase: false };
}

describe('LogFileIndex.search', () => {
  const t = tempDir();
  const rand = rng(7);
  let content = '';
  for (let i = 0; i < 4000; i++) content += randomLine(rand, i) + (i % 11 === 0 ? '\r\n' : '\n');
  const model = modelOf(content);
  let idx: LogFileIndex;

  beforeAll(async () => {
    const file = join(t.dir, 'search.log');
    writeFileSync(file, content);
    idx = await LogFileIndex.open(file, { cacheDir: join(t.dir, 'cache'), blockBytes: 2048 });
    await idx.indexMore();
  });
  afterAll(async () => {
    await idx.close();
    t.cleanup();
  });

  async function allPages(query: string, levels: Level[] | undefined, limit: number, maxScanBytes: number | undefined): Promise<LogLine[]> {
    const out: LogLine[] = [];
    let fromLine = 0;
    for (let guard = 0; guard < 100_000; guard++) {
      const r = await idx.search(query, { levels, fromLine, limit, maxScanBytes });
      expect(r.matches.length).toBeLessThanOrEqual(limit);
      out.push(...r.matches);
      if (r.done) {
        expect(r.nextLine).toBeNull();
        return out;
      }
      expect(r.nextLine).toBeGreaterThan(fromLine);
      fromLine = r.nextLine as number;
    }
    throw new Error('search did not finish');
  }

  it('agrees with a brute-force scan over 2500 random queries, paged', async () => {
    const qrand = rng(11);
    const kinds = { empty: 0, some: 0, rare: 0 };
    for (let q = 0; q < 2500; q++) {
      const parts = Array.from({ length: 1 + Math.floor(qrand() * (qrand() < 0.7 ? 1 : 3)) }, () => randomPart(qrand, model));
      const query = parts.map((p) => (p.phrase ? `"${p.text}"` : p.text)).join(' ');
      const levels = qrand() < 0.3 ? LEVELS.filter(() => qrand() < 0.4) : undefined;
      const expected = brute(model, parts.map((p) => p.text), levels?.length ? levels : undefined);
      // Tiny pages only where there are few matches, to keep the number of calls sane.
      const limit = expected.length < 40 ? pick(qrand, [1, 3, 7, 100]) : pick(qrand, [37, 200, 1000]);
      const got = await allPages(query, levels, limit, qrand() < 0.15 ? 8000 : undefined);
      if (got.length !== expected.length) expect({ query, levels, got: got.map((m) => m.n) }).toEqual({ query, levels, got: expected.map((m) => m.n) });
      expect(got).toEqual(expected);
      if (expected.length === 0) kinds.empty++;
      else if (expected.length < 5) kinds.rare++;
      else kinds.some++;
    }
    // The generator must exercise all three regimes.
    expect(kinds.empty).toBeGreaterThan(300);
    expect(kinds.rare).toBeGreaterThan(300);
    expect(kinds.some).toBeGreaterThan(300);
  });

  it('matches on token boundaries, case-insensitively', async () => {
    const rl = model.filter((l) => /rate_limit/i.test(l.text));
    expect(rl.length).toBeGreaterThan(0);
    expect((await idx.search('RATE_LIMIT', { limit: 10_000 })).matches.length).toBe(brute(model, ['rate_limit'], undefined).length);
    expect((await idx.search('rate_lim', {})).matches).toEqual([]);
    expect((await idx.search('"scrape progress" limit', { limit: 10_000 })).matches).toEqual(brute(model, ['scrape progress', 'limit'], undefined));
  });

  it('treats an empty query as "every line" under the level filter', async () => {
    const r = await idx.search('   ', { levels: ['fatal'], limit: 10_000 });
    expect(r.matches).toEqual(model.filter((l) => l.level === 'fatal'));
    expect(r.done).toBe(true);
  });

  it('stops a page at maxScanBytes and reports scanned bytes', async () => {
    const r = await idx.search('pipeline', { limit: 10_000, maxScanBytes: 5000 });
    expect(r.done).toBe(false);
    expect(r.scannedBytes).toBeGreaterThanOrEqual(5000);
    expect(r.scannedBytes).toBeLessThan(5000 + 4096);
    expect(r.matches).toEqual(brute(model, ['pipeline'], undefined).filter((m) => m.n < (r.nextLine as number)));
  });

  it('honours an abort signal', async () => {
    await expect(idx.search('pipeline', { signal: AbortSignal.abort(new Error('stop')) })).rejects.toThrow('stop');
  });
});
