// "Settings → Secrets", "Settings › Profiles", "Settings → Budgets": places in the console that messages name.
const PLACE = /Settings\s*[→›>]\s*([A-Z][A-Za-z]+)/g;

/** Pieces of a message: plain text, and the places it names as links (`/settings?focus=secrets`). */
export function linkPieces(text: string): ({ text: string } | { text: string; to: string })[] {
  const out: ({ text: string } | { text: string; to: string })[] = [];
  let at = 0;
  for (const m of text.matchAll(PLACE)) {
    if (m.index > at) out.push({ text: text.slice(at, m.index) });
    out.push({ text: m[0], to: `/settings?focus=${m[1]!.toLowerCase()}` });
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push({ text: text.slice(at) });
  return out;
}
