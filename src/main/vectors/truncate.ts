// Cuts text to a UTF-8 byte budget without splitting a character (or a grapheme cluster such as
// an emoji with modifiers), marking the cut with "…".

const ELLIPSIS = '…';
const ELLIPSIS_BYTES = Buffer.byteLength(ELLIPSIS);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function truncateUtf8(text: string, maxBytes: number): string {
  // Lone surrogates would be stored as U+FFFD (3 bytes) anyway; make that explicit.
  const s = text.replace(LONE_SURROGATE, '\uFFFD');
  if (Buffer.byteLength(s) <= maxBytes) return s;
  if (maxBytes < ELLIPSIS_BYTES) return '';
  const budget = maxBytes - ELLIPSIS_BYTES;
  let used = 0;
  let end = 0;
  for (const { segment, index } of graphemes.segment(s)) {
    const bytes = Buffer.byteLength(segment);
    if (used + bytes > budget) break;
    used += bytes;
    end = index + segment.length;
  }
  return s.slice(0, end) + ELLIPSIS;
}
