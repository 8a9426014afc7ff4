// Child process for bench/embed-client.ts: the OpenAI emulator on its own event loop (and core),
// as OpenAI's servers would be, so its per-request CPU does not stall the client being measured.
// Protocol over the IPC channel: it sends { baseUrl } once listening; answers 'stats' with the
// stats, 'refill' by restarting full buckets, and exits on 'close'.
import { startOpenAIEmulator } from '../test/emulators/openai/server.ts';
import type { OpenAIEmulatorOptions } from '../test/emulators/openai/server.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as OpenAIEmulatorOptions;
const emu = await startOpenAIEmulator({ ...options, recordTexts: false });
const send = (m: unknown): void => {
  process.send?.(m);
};

process.on('message', (m: unknown) => {
  if (m === 'stats') send({ stats: emu.stats });
  else if (m === 'refill') {
    // New limits start full buckets; setting them twice returns to the same limits, refilled.
    emu.setOptions({ rpm: (options.rpm ?? 10_000) + 1, tpm: (options.tpm ?? 10_000_000) + 1 });
    emu.setOptions({ rpm: options.rpm, tpm: options.tpm });
    emu.resetStats();
    send({ refilled: true });
  } else if (m === 'close') void emu.close().then(() => process.exit(0));
});
send({ baseUrl: emu.baseUrl });
