// Keeps secrets out of every log line, stored job error and runbook record: known secret
// values plus common token and credential shapes.
const VALUE = String.raw`('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s&;,'"]+)`;
const PATTERNS: [RegExp, string][] = [
  [/\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, 'gh*_[redacted]'],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, 'github_pat_[redacted]'],
  [/\bsk-[A-Za-z0-9_-]{16,}/g, 'sk-[redacted]'],
  // Password inside a connection URL, even an unencoded one holding "/" or "@": scheme://user:PASSWORD@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^:/\s@]*:)(\S+)@([^\s@/?#]+)(?=[/?#\s]|$)/gi, '$1[redacted]@$3'],
  // key=value in URL queries, libpq connection strings and environment lines: ?password=…, password='…', PGPASSWORD=…
  [new RegExp(String.raw`\b([A-Za-z0-9_.-]*(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key))(\s*=\s*)${VALUE}`, 'gi'), '$1$2[redacted]'],
  // "dbPassword": "…" in JSON text
  [/("[A-Za-z0-9_.-]*(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key)")(\s*:\s*)"(?:[^"\\]|\\.)*"/gi, '$1$2"[redacted]"'],
  [/\b(Bearer|token)\s+[A-Za-z0-9._~+/=-]{12,}/gi, '$1 [redacted]'],
];

/** Keys whose string values are secrets, normalised (lower case, no _ or -): dbPassword, PGPASSWORD, github_token, apiKey… */
const SECRET_KEY_ENDINGS = ['password', 'passwd', 'passphrase', 'pwd', 'secret', 'token', 'apikey', 'privatekey', 'authorization', 'cookie', 'credential', 'credentials', 'openaikey'];
export const isSecretKey = (key: string): boolean => {
  const k = key.toLowerCase().replace(/[_-]/g, '');
  return SECRET_KEY_ENDINGS.some((e) => k.endsWith(e));
};

const MAX_DEPTH = 8;

export class Redactor {
  private readonly values = new Set<string>();

  /** Register a secret value so that it never appears verbatim in output. */
  add(value: string | null | undefined): void {
    if (value && value.length >= 6) this.values.add(value);
  }

  remove(value: string): void {
    this.values.delete(value);
  }

  string(input: string): string {
    let out = input;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join('[redacted]');
    for (const [re, rep] of PATTERNS) out = out.replace(re, rep);
    return out;
  }

  /** Deep copy with secrets removed from strings and from secret-looking keys; deeper than 8 levels is cut, not copied. */
  value<T>(input: T, depth = 0): T {
    if (typeof input === 'string') return this.string(input) as T;
    if (input === null || typeof input !== 'object') return input;
    if (depth > MAX_DEPTH) return '[nested too deep]' as T;
    if (Array.isArray(input)) return input.map((v) => this.value(v, depth + 1)) as T;
    if (input instanceof Error) return { name: input.name, message: this.string(input.message), stack: input.stack ? this.string(input.stack) : undefined } as T;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) out[k] = isSecretKey(k) && typeof v === 'string' && v ? '[redacted]' : isSecretKey(k) && v && typeof v === 'object' ? '[redacted]' : this.value(v, depth + 1);
    return out as T;
  }
}
