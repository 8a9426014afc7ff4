import { startOpenAIEmulator } from '../test/emulators/openai/server.ts';
import { packBatches } from '../src/main/embeddings/batches.ts';
import { OpenAIEmbedder } from '../src/main/embeddings/openai-embedder.ts';
import type { RateLimitMirror } from '../src/main/embeddings/rate-limits.ts';
const textOf = (n: number): string => 'a' + ' a'.repeat(n - 1);
for (let attempt = 0; attempt < 12; attempt++) {
  const emu = await startOpenAIEmulator({ rpm: 600, tpm: 60_000, latencyMs: 50, recordTexts: false });
  const items = Array.from({ length: 250 }, (_, i) => ({ id: String(i), text: textOf(250), tokens: 250 }));
  const e = new OpenAIEmbedder({ apiKey: 'sk-x', baseURL: emu.baseUrl, model: 'text-embedding-3-small' });
  const mirror = (e as unknown as { mirror: RateLimitMirror }).mirror;
  const log: string[] = [];
  const t0 = performance.now();
  const o = mirror.observe.bind(mirror);
  mirror.observe = (r, seq, at) => { o(r, seq, at); if (r) log.push(`obs ${seq} at=${(at - t0).toFixed(1)} now=${(performance.now() - t0).toFixed(1)} rem=${r.tokens.remaining} reset=${r.tokens.resetMs} avail=${mirror.tokens.available(performance.now()).toFixed(0)}`); };
  const c = mirror.charge.bind(mirror);
  mirror.charge = (seq, tok, at) => { log.push(`send ${seq} ${(at - t0).toFixed(1)} avail-before=${mirror.tokens.available(at).toFixed(0)}`); c(seq, tok, at); };
  const rf = mirror.refund.bind(mirror);
  mirror.refund = (seq) => { rf(seq); log.push(`429 ${seq} ${(performance.now() - t0).toFixed(1)}`); };
  await e.embedAll(packBatches(items, { maxInputs: 10 }));
  console.log(attempt, emu.stats.rateLimited, (performance.now() - t0).toFixed(0));
  if (emu.stats.rateLimited > 0) { console.log(log.join('\n')); await emu.close(); break; }
  await emu.close();
}
