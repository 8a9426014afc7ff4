// Cheap deterministic text for generated datasets: unicode-rich titles and
// markdown-ish bodies, plus an occasional ≥ 60 KB body.

const WORDS = (
  'fix add remove update refactor cache sync worker queue retry timeout index schema migration ' +
  'token parser render config build release docs test flaky bump dependency handler pipeline ' +
  'vector embedding postgres milvus batch stream cursor page limit rate backoff logger metric ' +
  'naïve café résumé façade jalapeño über Ελληνικά русский 日本語 中文 한국어 العربية עברית ' +
  'emoji 🚀 ✨ 🐛 👍🏽 👩‍💻 🇺🇦 ∑ ≠ ∞ Ω e\u0301 ﬁ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 tab\tsep "quoted" <angle> &amp; back\\slash'
).split(' ');

const NAMES = [
  'José Müller', 'Zoë O’Brien', '李雷', 'Søren Kierkegaard', 'Ana-María López', 'Łukasz Żółw',
  'Ngozi Okonjo', 'Dmitrij Šostakovič', 'Aarav Patel', 'Chloé Dubois', 'محمد علي', 'Mia Schröder',
];

const PKGS = ['lodash', 'axios', 'pg', 'zod', 'vitest', 'eslint', 'graphql', '@octokit/rest', 'ws', 'openai'];

export function pick<T>(rng: () => number, list: readonly T[]): T {
  return list[Math.floor(rng() * list.length)];
}

// Three-word phrases, built once: bodies are joined from these to keep
// allocation (and GC time) low when generating hundreds of thousands of texts.
const PHRASES: string[] = [];
{
  let x = 12345;
  const next = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 4294967296);
  for (let i = 0; i < 1024; i++) PHRASES.push(`${pick(next, WORDS)} ${pick(next, WORDS)} ${pick(next, WORDS)}`);
}

function words(rng: () => number, n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i += 3) parts.push(PHRASES[Math.floor(rng() * PHRASES.length)]);
  return parts.join(' ');
}

export function title(rng: () => number): string {
  const s = words(rng, 3 + Math.floor(rng() * 7));
  return s[0].toUpperCase() + s.slice(1);
}

export function personName(rng: () => number): string | null {
  return rng() < 0.15 ? null : pick(rng, NAMES);
}

/** A body: sometimes empty, sometimes with markdown lists or a code fence. */
export function body(rng: () => number, maxParagraphs = 3, maxWords = 24): string {
  const r = rng();
  if (r < 0.08) return '';
  const paragraphs = 1 + Math.floor(rng() * maxParagraphs);
  let s = '';
  for (let p = 0; p < paragraphs; p++) {
    if (p > 0) s += '\n\n';
    s += words(rng, 4 + Math.floor(rng() * maxWords)) + '.';
  }
  if (r > 0.85) s += '\n\n- [x] ' + words(rng, 3) + '\n- [ ] ' + words(rng, 4);
  else if (r > 0.75) s += '\n\n```ts\nconst x = "' + words(rng, 2) + '";\n```';
  return s;
}

/** A body of about `n` words in paragraphs of ~40 (heavy-tailed datasets draw n log-normally). */
export function sizedBody(rng: () => number, n: number): string {
  const parts: string[] = [];
  for (let left = n; left > 0; left -= 40) parts.push(words(rng, Math.min(40, left)) + '.');
  return parts.join('\n\n');
}

let hugeChunk: string | undefined;

/** ≥ 60 KB body (multi-byte characters included) with an item-specific prefix. */
export function hugeBody(rng: () => number): string {
  if (!hugeChunk) {
    const line = 'Large payload línea 🚀 日本語 — ' + 'x'.repeat(40) + '\n';
    hugeChunk = line.repeat(Math.ceil(64_000 / line.length));
  }
  return words(rng, 8) + '\n\n' + hugeChunk;
}

export function dependabotTitle(rng: () => number): string {
  const a = Math.floor(rng() * 10);
  const b = Math.floor(rng() * 30);
  return `Bump ${pick(rng, PKGS)} from ${a}.${b}.0 to ${a}.${b + 1}.0`;
}

const DIRS = ['src', 'src/main', 'src/shared', 'lib', 'test', 'docs', 'scripts', 'packages/core/src', 'ネスト/ディレクトリ'];
const FILES = ['index.ts', 'sync.ts', 'queue.ts', 'README.md', 'config.json', 'worker.py', 'schema.sql', 'ünïcödé.md', 'Makefile'];

export function filePath(rng: () => number, i: number): string {
  return `${pick(rng, DIRS)}/${i}-${pick(rng, FILES)}`;
}
