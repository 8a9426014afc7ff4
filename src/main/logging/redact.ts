// Keeps secrets out of every log line: known secret values plus common token shapes.
const PATTERNS: [RegExp, string][] = [
  [/\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, 'gh*_[redacted]'],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, 'github_pat_[redacted]'],
  [/\bsk-[A-Za-z0-9_-]{16,}/g, 'sk-[redacted]'],
  // password inside a connection URL: scheme://user:PASSWORD@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^:/\s@]*:)([^@\s/]+)@/gi, '$1[redacted]@'],
  [/\b(Bearer|token)\s+[A-Za-z0-9._~+/=-]{12,}/gi, '$1 [redacted]'],
];

const SECRET_KEY_NAMES = /^(password|passwd|secret|token|api[_-]?key|authorization|access[_-]?token|private[_-]?key|client[_-]?secret)$/i;

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

  /** Deep copy with secrets removed from strings and from secret-looking keys. */
  value<T>(input: T, depth = 0): T {
    if (typeof input === 'string') return this.string(input) as T;
    if (input === null || typeof input !== 'object' || depth > 8) return input;
    if (Array.isArray(input)) return input.map((v) => this.value(v, depth + 1)) as T;
    if (input instanceof Error) return { name: input.name, message: this.string(input.message), stack: input.stack ? this.string(input.stack) : undefined } as T;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) out[k] = SECRET_KEY_NAMES.test(k) && v ? '[redacted]' : this.value(v, depth + 1);
    return out as T;
  }
}
