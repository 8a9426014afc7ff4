/** Items in a response: 1 plus every object inside an array, at any depth (a page's nodes and their nested nodes). */
export function returnedNodes(body: unknown): number {
  let n = 1;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) {
        if (x && typeof x === 'object') n++;
        walk(x);
      }
    } else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(body);
  return n;
}
