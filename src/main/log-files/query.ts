// Search query: whitespace-separated terms, "quoted phrases" kept whole. Matching is
// case-insensitive and on token boundaries: a term/phrase matches where it occurs as a
// substring whose alphanumeric ends are not glued to more letters/digits
// ("rate_limit" matches "rate_limit_hit", "limit" matches it too, "lim" does not).
// That rule is what makes the per-block Bloom filters exact pre-filters: every token
// inside a term must then be a whole token of the line.
import { isTokenChar, stringTokenHashes } from './tokens.ts';

export interface Query {
  terms: string[];
  /** Token hashes every matching line must contain. */
  tokenHashes: number[];
}

export function parseQuery(query: string): Query {
  const terms: string[] = [];
  const re = /"([^"]*)"?|(\S+)/g;
  for (let m = re.exec(query); m; m = re.exec(query)) {
    const term = (m[1] ?? m[2]).toLowerCase();
    if (term.trim().length > 0 && !terms.includes(term)) terms.push(term);
  }
  const hashes = new Set<number>();
  for (const t of terms) for (const h of stringTokenHashes(t)) hashes.add(h);
  return { terms, tokenHashes: [...hashes] };
}

function occursOnBoundaries(lower: string, term: string): boolean {
  const glueStart = isTokenChar(term.charCodeAt(0));
  const glueEnd = isTokenChar(term.charCodeAt(term.length - 1));
  for (let at = lower.indexOf(term); at >= 0; at = lower.indexOf(term, at + 1)) {
    if (glueStart && at > 0 && isTokenChar(lower.charCodeAt(at - 1))) continue;
    const after = at + term.length;
    if (glueEnd && after < lower.length && isTokenChar(lower.charCodeAt(after))) continue;
    return true;
  }
  return false;
}

/** `lower` is the line's text, lowercased. An empty query matches every line. */
export function matchesLower(lower: string, q: Query): boolean {
  for (const term of q.terms) if (!occursOnBoundaries(lower, term)) return false;
  return true;
}

/** Cheap pre-check on a whole lowercased block before splitting it into lines. */
export function blockMayMatch(lowerBlock: string, q: Query): boolean {
  for (const term of q.terms) if (!lowerBlock.includes(term)) return false;
  return true;
}
