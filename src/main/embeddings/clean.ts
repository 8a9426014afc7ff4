// Turns GitHub markdown/HTML into the text worth embedding: what a reader sees, minus markup,
// URLs and collapsed noise. Each regex is linear or bounded by the text up to the next tag.

// Tags GitHub renders; anything else in angle brackets (`Option<Vec<u8>>`, `<T>`) is content.
const HTML_TAG = new RegExp(
  String.raw`</?(?:a|abbr|b|big|blockquote|br|center|code|dd|del|details|div|dl|dt|em|font|g-emoji|h[1-6]|hr|i|img|ins|kbd|li|ol|p|picture|pre|q|s|samp|small|source|span|strike|strong|sub|summary|sup|table|tbody|td|tfoot|th|thead|tr|tt|u|ul|var|video)\b[^<>]*>`,
  'gi',
);
// Innermost <details> block (no <details> inside), so nested ones peel off from the inside out.
const DETAILS = /<details\b[^>]*>((?:(?!<details\b)[\s\S])*?)<\/details\s*>/gi;
const SUMMARY = /<summary\b[^>]*>([\s\S]*?)<\/summary\s*>/i;
// C0/C1 controls except \t and \n, plus invisible BOM / zero-width space / word joiner.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\uFEFF\u200B\u2060]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// The tokenizer's merge step is quadratic in the length of one pre-token piece (a run of letters or
// of symbols): a 64k-character base64 blob or unpunctuated CJK run took 5–26 s. No real word is
// 500 characters long, so such runs get a space every 500 characters (then ~0.1 µs/character).
const LONG_RUN = 500;
const LONG_LETTERS = new RegExp(String.raw`\p{L}{${LONG_RUN}}(?=\p{L})`, 'gu');
const LONG_SYMBOLS = new RegExp(String.raw`[^\s\p{L}\p{N}]{${LONG_RUN}}(?=[^\s\p{L}\p{N}])`, 'gu');
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

export function cleanMarkdown(input: string): string {
  let s = input.replace(/\r\n?/g, '\n').replace(CONTROL, '').replace(LONE_SURROGATE, '');
  s = s.replace(/<!--[\s\S]*?-->/g, '');
  // Collapsed blocks hold logs, stack traces, release notes and commit lists: keep only the summary.
  for (let depth = 0; depth < 8; depth++) {
    const next = s.replace(DETAILS, (_m, inner: string) => `\n${SUMMARY.exec(inner)?.[1] ?? ''}\n`);
    if (next === s) break;
    s = next;
  }
  s = s
    .replace(/!\[[^\]\n]*\]\([^)\n]*\)/g, '') // inline images
    .replace(/!\[[^\]\n]*\]\[[^\]\n]*\]/g, '') // reference images
    .replace(/\[([^\]\n]*)\]\([^)\s]*(?:\s+"[^"\n]*")?\)/g, '$1') // inline links → their text
    .replace(/\[([^\]\n]+)\]\[[^\]\n]*\]/g, '$1') // reference links → their text
    .replace(/^ {0,3}\[[^\]\n]+\]:[ \t]*\S+.*$/gm, '') // link reference definitions
    .replace(/<(https?:\/\/[^\s<>]+)>/g, '$1') // autolinks: the URL is the text
    .replace(HTML_TAG, ' ')
    .replace(/&(#39|[a-z]+);/gi, (m, name: string) => ENTITIES[name.toLowerCase()] ?? m)
    .replace(/&#(\d{1,7});|&#x([0-9a-f]{1,6});/gi, (m, dec?: string, hex?: string) => fromCodePoint(dec ? Number(dec) : parseInt(hex ?? '', 16)) ?? m);
  // Unicode-class scans are slow; most texts have no 500-character run without a space at all.
  if (hasRun(s, LONG_RUN)) s = s.replace(LONG_LETTERS, '$& ').replace(LONG_SYMBOLS, '$& ');
  return collapseWhitespace(s);
}

// A plain loop: a /\S{500}/ test restarts at every character and cost 20× more.
function hasRun(s: string, length: number): boolean {
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    run = c === 32 || c === 10 || c === 9 ? 0 : run + 1;
    if (run >= length) return true;
  }
  return false;
}

function fromCodePoint(cp: number): string | undefined {
  if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
  return String.fromCodePoint(cp).replace(CONTROL, '');
}

// Horizontal whitespace spelled out: a negated \S class made this the slowest step.
const HSPACE = '\\t\\v\\f \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
// Runs of it, or one character of it other than a plain space (single spaces are left alone).
const HSPACE_RUN = new RegExp(`[${HSPACE}]{2,}|[${HSPACE.replace(' ', '')}]`, 'g');

/** Single spaces, no blank-line runs, trimmed lines; decoded entities may add new ones, hence last. */
export function collapseWhitespace(s: string): string {
  return s
    .replace(HSPACE_RUN, ' ')
    .replace(/ \n ?|\n /g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** One line: titles never carry line breaks into the embedded text. */
export function cleanLine(input: string): string {
  return cleanMarkdown(input).replace(/\s+/g, ' ');
}
