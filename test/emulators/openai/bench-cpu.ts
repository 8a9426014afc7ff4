// Measures the emulator's own CPU per /v1/embeddings request (parse, tokenize, vectors, encode),
// then runs the product benchmark's shape (5,000 × ~500-token items, 5 M TPM, 5,000 RPM, 300 ms)
// through the official SDK. Usage: node test/emulators/openai/bench-cpu.ts [requests=30] [inputsPerRequest=100]
import OpenAI from 'openai';
import { makeText, seededRandom } from './fixtures.ts';
import { startOpenAIEmulator } from './server.ts';

const requests = Number(process.argv[2] ?? 30);
const perRequest = Number(process.argv[3] ?? 100);

// Made-up words defeat every cache: the worst case for the tokenizer.
function novelText(seed: number, words: number): string {
  const r = seededRandom(seed);
  const syllables = 'ka to ri mun sel va por lin dex qua bre fo ze tal gri nu'.split(' ');
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    let w = '';
    for (let k = 1 + Math.floor(r() * 3); k > 0; k--) w += syllables[Math.floor(r() * syllables.length)];
    out.push(r() < 0.1 ? `${w}${Math.floor(r() * 1000)}` : w);
  }
  return out.join(' ');
}

async function run(label: string, text: (i: number) => string, format: 'base64' | 'float'): Promise<void> {
  const emu = await startOpenAIEmulator({ recordTexts: false });
  let n = 0;
  for (let q = 0; q < requests; q++) {
    const input = Array.from({ length: perRequest }, () => text(n++));
    const res = await fetch(`${emu.baseUrl}/embeddings`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-bench', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'text-embedding-3-small', input, encoding_format: format }),
    });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  }
  const s = emu.stats;
  const per = s.cpuMs / requests;
  console.log(
    `${label.padEnd(34)} ${format.padEnd(6)} ${(s.billedTokens / s.inputsEmbedded).toFixed(0)} tokens/input, ` +
      `${per.toFixed(2)} ms/request avg, ${s.maxCpuMs.toFixed(2)} ms max (${((per * 1000) / (s.billedTokens / requests)).toFixed(3)} µs/token)`,
  );
  await emu.close();
}

await run('PR-like texts (fixtures)', (i) => makeText(i + 1, i, 390), 'base64');
await run('PR-like texts (fixtures)', (i) => makeText(i + 1, i, 390), 'float');
await run('made-up words (no cache hits)', (i) => novelText(i + 1, 230), 'base64');

// 5,000 items in batches of 100, 8 requests in flight, like the pipeline benchmark.
{
  const emu = await startOpenAIEmulator({ rpm: 5000, tpm: 5_000_000, latencyMs: 300, recordTexts: false });
  const client = new OpenAI({ apiKey: 'sk-bench', baseURL: emu.baseUrl, maxRetries: 5 });
  const batches = Array.from({ length: 50 }, (_, b) => Array.from({ length: 100 }, (_, i) => makeText(100_000 + b * 100 + i, i, 390)));
  const started = performance.now();
  const cpu = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < batches.length) await client.embeddings.create({ model: 'text-embedding-3-small', input: batches[next++] });
    }),
  );
  const used = process.cpuUsage(cpu);
  const s = emu.stats;
  console.log(
    `benchmark shape: ${s.inputsEmbedded} items, ${s.billedTokens} tokens in ${((performance.now() - started) / 1000).toFixed(2)} s; ` +
      `statuses ${JSON.stringify(s.byStatus)}; emulator ${(s.cpuMs / s.byStatus[200]).toFixed(2)} ms CPU/request; ` +
      `whole process (emulator + SDK client) ${((used.user + used.system) / 1000).toFixed(0)} ms CPU`,
  );
  await emu.close();
}
