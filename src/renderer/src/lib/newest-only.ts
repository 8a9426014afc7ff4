/**
 * A page's loader that applies only its newest call's answer. Filters change faster than the
 * core answers: a slow answer for the filter before must not overwrite the one for the filter
 * now (nor report its error). `run(fetch, apply)` resolves once its answer is applied or dropped.
 */
export function newestOnly() {
  let latest = 0;
  return async function run<T>(fetch: () => Promise<T>, apply: (value: T) => void): Promise<void> {
    const call = ++latest;
    let value: T;
    try {
      value = await fetch();
    } catch (err) {
      if (call === latest) throw err;
      return;
    }
    if (call === latest) apply(value);
  };
}
