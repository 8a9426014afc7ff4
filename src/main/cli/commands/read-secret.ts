import { OpsError } from '../../../shared/errors.ts';

/** Reads a secret from stdin: hidden prompt on a terminal, else all of piped stdin. */
export async function readSecretInput(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let data = '';
    for await (const chunk of stdin) data += chunk;
    const value = data.replace(/\r?\n$/, '');
    if (!value) throw new OpsError('invalid_input', 'No value on standard input (pipe the secret in, e.g. `printenv GITHUB_TOKEN | repo-ops secrets set github_token`)');
    return value;
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  let value = '';
  try {
    for await (const chunk of stdin) {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n') return value;
        if (ch === '\u0003') throw new OpsError('cancelled', 'Cancelled');
        if (ch === '\u007f') value = value.slice(0, -1);
        else value += ch;
      }
    }
    return value;
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}
