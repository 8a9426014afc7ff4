// Raw HTTP helpers for the emulator's tests (the SDK hides statuses and headers).

export const TEST_KEY = 'sk-proj-emulatorTestKey0123456789abcdefghijklmnop';

export interface RawResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests poke at arbitrary JSON
  json: any;
}

export async function call(baseUrl: string, path: string, init: { method?: string; body?: unknown; key?: string | null } = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const key = init.key === undefined ? TEST_KEY : init.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const res = await fetch(baseUrl + path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  return { status: res.status, headers: res.headers, json: await res.json() };
}

export const embed = (baseUrl: string, body: unknown, key?: string | null): Promise<RawResponse> => call(baseUrl, '/embeddings', { body, key });

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

export function fromBase64(s: string): Float32Array {
  const buf = Buffer.from(s, 'base64');
  const out = new Float32Array(buf.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4);
  return out;
}
