// Runs the OpenAI embeddings emulator until interrupted; prints the base URL on stdout.
// node test/emulators/openai/cli.ts [--port N] [--rpm N] [--tpm N] [--latency MS]
//   [--latency-per-token MS] [--quota TOKENS] [--key sk-…]… [--record-texts]
import { parseArgs } from 'node:util';
import { startOpenAIEmulator } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    rpm: { type: 'string' },
    tpm: { type: 'string' },
    latency: { type: 'string' },
    'latency-per-token': { type: 'string' },
    quota: { type: 'string' },
    key: { type: 'string', multiple: true },
    'record-texts': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    'Usage: node test/emulators/openai/cli.ts [--port N] [--rpm N] [--tpm N] [--latency MS] [--latency-per-token MS] [--quota TOKENS] [--key KEY]... [--record-texts]\n',
  );
  process.exit(0);
}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(`--${name} must be a non-negative number, got ${JSON.stringify(v)}\n`);
    process.exit(2);
  }
  return n;
}

const emu = await startOpenAIEmulator({
  port: num('port', values.port),
  rpm: num('rpm', values.rpm),
  tpm: num('tpm', values.tpm),
  latencyMs: num('latency', values.latency),
  latencyPerTokenMs: num('latency-per-token', values['latency-per-token']),
  quotaTokens: num('quota', values.quota),
  apiKeys: values.key,
  recordTexts: values['record-texts'],
});
process.stdout.write(`${emu.baseUrl}\n`);

const stop = (): void => {
  const s = emu.stats;
  process.stderr.write(`requests ${s.requests}, billed tokens ${s.billedTokens}, inputs ${s.inputsEmbedded}, statuses ${JSON.stringify(s.byStatus)}\n`);
  void emu.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
