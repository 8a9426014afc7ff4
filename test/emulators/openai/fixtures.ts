// Deterministic pull-request/issue-like texts for the emulator's tests and CPU benchmark.

const TOPICS = [
  'scheduler worker lease job queue retry backoff jitter timeout deadline cancel heartbeat',
  'github graphql rest pagination cursor etag webhook installation token secondary limit',
  'postgres migration index vacuum transaction deadlock replica schema column constraint',
  'embedding vector milvus collection partition segment compaction recall cosine ivf hnsw',
  'renderer react virtualized table chart tooltip keyboard focus theme layout accessibility',
  'keychain secret credential rotation expiry encryption audit permission scope revoke',
  'benchmark latency throughput percentile histogram profile allocation garbage memory leak',
  'electron window menu tray updater installer signing notarization crash report sandbox',
  'logging trace span metric exporter sampling dashboard alert threshold incident pager',
  'parser tokenizer grammar syntax error recovery diagnostics position offset unicode',
].map((t) => t.split(' '));

const GLUE = 'the a of to and in for with when on by from that this is was after before because so but not only'.split(' ');
const VERBS = 'fix add remove refactor document handle avoid ensure support rename split merge cache'.split(' ');

export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const pick = <T>(xs: readonly T[], r: () => number): T => xs[Math.floor(r() * xs.length)];

/** About `words` words on topic `topic`, with identifiers, numbers and some punctuation. */
export function makeText(seed: number, topic: number, words: number): string {
  const r = seededRandom(seed);
  const vocab = TOPICS[topic % TOPICS.length];
  const out: string[] = [`${pick(VERBS, r)}(${pick(vocab, r)}):`];
  for (let i = 0; i < words; i++) {
    const x = r();
    if (x < 0.45) out.push(pick(vocab, r));
    else if (x < 0.85) out.push(pick(GLUE, r));
    else if (x < 0.93) out.push(pick(VERBS, r));
    else if (x < 0.97) out.push(`${pick(vocab, r)}_${pick(vocab, r)}${Math.floor(r() * 100)}`);
    else out.push(`#${Math.floor(r() * 5000)}.`);
  }
  return out.join(' ');
}

/** `text` with `changes` words replaced by other words. */
export function editText(text: string, seed: number, changes: number): string {
  const r = seededRandom(seed);
  const words = text.split(' ');
  for (let i = 0; i < changes; i++) words[1 + Math.floor(r() * (words.length - 1))] = pick(pick(TOPICS, r), r);
  return words.join(' ');
}
