// A parser for the Prometheus text exposition format (0.0.4, plus the OpenMetrics bits services
// emit in practice: `# EOF`, `# UNIT`, exemplars, `_created`). Malformed lines are collected as
// problems and skipped, never thrown: Prometheus itself would fail the whole scrape on them, which
// is worth reporting, but the rest of the page still tells us how the service is doing.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  /** The sample's own name (http_requests_total, x_bucket, x_sum, …). */
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help?: string;
  samples: Sample[];
}

export interface ParseProblem {
  /** 1-based line number. */
  line: number;
  text: string;
  reason: string;
}

export interface ParsedMetrics {
  families: Map<string, MetricFamily>;
  /** Samples by their own name, across families. */
  byName: Map<string, Sample[]>;
  problems: ParseProblem[];
  sampleCount: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES: Record<string, MetricType> = {
  counter: 'counter', gauge: 'gauge', histogram: 'histogram', summary: 'summary', untyped: 'untyped',
  // OpenMetrics names, read as their closest 0.0.4 type.
  unknown: 'untyped', gaugehistogram: 'histogram', info: 'gauge', stateset: 'gauge',
};
// Which suffixed sample names belong to a family of which type.
const SUFFIXES: [suffix: string, types: MetricType[]][] = [
  ['_bucket', ['histogram']],
  ['_count', ['histogram', 'summary']],
  ['_sum', ['histogram', 'summary']],
  ['_created', ['counter', 'histogram', 'summary']],
  ['_total', ['counter']],
  ['_gcount', ['histogram']],
  ['_gsum', ['histogram']],
  ['_info', ['gauge']],
];

class LineError extends Error {}

export function parseMetrics(text: string): ParsedMetrics {
  const families = new Map<string, MetricFamily>();
  const byName = new Map<string, Sample[]>();
  const problems: ParseProblem[] = [];
  const typed = new Set<string>();
  const helped = new Set<string>();
  let sampleCount = 0;

  const family = (name: string, type: MetricType = 'untyped'): MetricFamily => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, type, samples: [] }));
    return f;
  };

  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    const line = raw.trim();
    if (!line) continue;
    try {
      if (line.startsWith('#')) {
        const m = /^#\s*(HELP|TYPE|UNIT|EOF)\b\s*(.*)$/.exec(line);
        if (!m) continue; // an ordinary comment
        const [, keyword, rest] = m;
        if (keyword === 'EOF' || keyword === 'UNIT') continue;
        const sp = rest!.search(/\s/);
        const name = sp < 0 ? rest! : rest!.slice(0, sp);
        const arg = sp < 0 ? '' : rest!.slice(sp + 1).trim();
        if (!METRIC_NAME.test(name)) throw new LineError(`invalid metric name "${name}" in # ${keyword}`);
        if (keyword === 'HELP') {
          if (helped.has(name)) throw new LineError(`second # HELP for ${name}`);
          helped.add(name);
          family(name).help = arg.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
        } else {
          const type = TYPES[arg.toLowerCase()];
          if (!type) throw new LineError(`unknown metric type "${arg}" for ${name}`);
          if (typed.has(name)) throw new LineError(`second # TYPE for ${name}`);
          const f = family(name);
          if (f.samples.length) throw new LineError(`# TYPE for ${name} after its samples`);
          typed.add(name);
          f.type = type;
        }
        continue;
      }
      const sample = parseSample(line);
      const fam = familyOf(sample.name, families, typed) ?? family(sample.name);
      if (fam.type === 'histogram' && sample.name === `${fam.name}_bucket`) {
        if (sample.labels.le === undefined) throw new LineError(`histogram bucket ${sample.name} has no le label`);
        if (Number.isNaN(parseValue(sample.labels.le))) throw new LineError(`histogram bucket ${sample.name} has le="${sample.labels.le}", not a number`);
      }
      if (fam.type === 'summary' && sample.name === fam.name && sample.labels.quantile !== undefined && Number.isNaN(parseValue(sample.labels.quantile))) {
        throw new LineError(`summary ${sample.name} has quantile="${sample.labels.quantile}", not a number`);
      }
      fam.samples.push(sample);
      let list = byName.get(sample.name);
      if (!list) byName.set(sample.name, (list = []));
      list.push(sample);
      sampleCount++;
    } catch (e) {
      if (!(e instanceof LineError)) throw e;
      problems.push({ line: i + 1, text: raw.length > 200 ? `${raw.slice(0, 199)}…` : raw, reason: e.message });
    }
  }
  return { families, byName, problems, sampleCount };
}

/** The family a sample belongs to: its own TYPE, or its base name's for _bucket/_sum/_count/_total/…. */
function familyOf(name: string, families: Map<string, MetricFamily>, typed: Set<string>): MetricFamily | undefined {
  if (typed.has(name)) return families.get(name);
  for (const [suffix, types] of SUFFIXES) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    const f = families.get(base);
    if (f && typed.has(base) && types.includes(f.type)) return f;
  }
  return families.get(name);
}

/** name{labels} value [timestamp] [# exemplar] */
function parseSample(line: string): Sample {
  let pos = 0;
  let name = '';
  if (line[0] !== '{') {
    const m = /^[^\s{]+/.exec(line);
    name = m ? m[0] : '';
    if (!METRIC_NAME.test(name)) throw new LineError(`invalid metric name "${name}"`);
    pos = name.length;
  }
  pos = skipSpace(line, pos);
  let labels: Record<string, string> = {};
  if (line[pos] === '{') {
    const parsed = parseLabels(line, pos);
    labels = parsed.labels;
    if (parsed.name !== undefined) {
      if (name) throw new LineError('metric name given twice');
      name = parsed.name;
    }
    pos = parsed.end;
  }
  if (!name) throw new LineError('no metric name');
  const rest = line.slice(pos).trim();
  // An OpenMetrics exemplar follows " # ".
  const hash = rest.indexOf(' # ');
  const tokens = (hash >= 0 ? rest.slice(0, hash) : rest).split(/\s+/).filter(Boolean);
  if (tokens.length === 0) throw new LineError(`no value for ${name}`);
  const value = parseValue(tokens[0]!);
  if (Number.isNaN(value) && !/^nan$/i.test(tokens[0]!)) throw new LineError(`value "${tokens[0]}" of ${name} is not a number`);
  if (tokens.length > 2) throw new LineError(`unexpected text after the value of ${name}: "${tokens.slice(2).join(' ')}"`);
  const sample: Sample = { name, labels, value };
  if (tokens[1] !== undefined) {
    if (!/^-?\d+(\.\d+)?$/.test(tokens[1])) throw new LineError(`timestamp "${tokens[1]}" of ${name} is not a number`);
    sample.timestampMs = Number(tokens[1]);
  }
  return sample;
}

/** Parses `{a="x",b="y\"z"}` from `start` (at the brace); handles \\, \" and \n escapes. */
function parseLabels(line: string, start: number): { labels: Record<string, string>; name?: string; end: number } {
  const labels: Record<string, string> = {};
  let name: string | undefined;
  let i = start + 1;
  for (let first = true; ; first = false) {
    i = skipSpace(line, i);
    if (line[i] === '}') return { labels, name, end: i + 1 };
    if (i >= line.length) throw new LineError('unterminated label set (missing "}")');
    let key: string;
    const wasQuoted = line[i] === '"';
    if (wasQuoted) {
      const q = quoted(line, i);
      key = q.value;
      i = q.end;
    } else {
      const m = /^[^\s=,}"]+/.exec(line.slice(i));
      key = m ? m[0] : '';
      i += key.length;
    }
    i = skipSpace(line, i);
    if (line[i] === '=') {
      // Prometheus 3 allows any quoted UTF-8 label name; bare ones follow the classic rule.
      if (!wasQuoted && !LABEL_NAME.test(key)) throw new LineError(`invalid label name "${key}"`);
      i = skipSpace(line, i + 1);
      if (line[i] !== '"') throw new LineError(`label ${key}'s value is not quoted`);
      const q = quoted(line, i);
      if (Object.hasOwn(labels, key)) throw new LineError(`label ${key} given twice`);
      labels[key] = q.value;
      i = skipSpace(line, q.end);
    } else if (wasQuoted && first) {
      // Prometheus 3's quoted metric name: {"my.metric", label="x"}
      name = key;
    } else {
      throw new LineError(`expected "=" after label name "${key}"`);
    }
    if (line[i] === ',') {
      i++;
      continue;
    }
    if (line[i] === '}') return { labels, name, end: i + 1 };
    throw new LineError(i >= line.length ? 'unterminated label set (missing "}")' : `unexpected "${line[i]}" in label set`);
  }
}

function quoted(line: string, start: number): { value: string; end: number } {
  let out = '';
  for (let i = start + 1; i < line.length; i++) {
    const c = line[i];
    if (c === '"') return { value: out, end: i + 1 };
    if (c === '\\') {
      const n = line[++i];
      if (n === '\\' || n === '"') out += n;
      else if (n === 'n') out += '\n';
      else throw new LineError(`invalid escape "\\${n ?? ''}" in a label value`);
    } else {
      out += c;
    }
  }
  throw new LineError('unterminated label value (missing closing quote)');
}

function skipSpace(line: string, i: number): number {
  while (line[i] === ' ' || line[i] === '\t') i++;
  return i;
}

/** Go's ParseFloat spellings: +Inf, -Inf, NaN (any case), decimals, exponents. */
export function parseValue(token: string): number {
  const t = token.trim();
  if (/^[+]?inf(inity)?$/i.test(t)) return Infinity;
  if (/^-inf(inity)?$/i.test(t)) return -Infinity;
  if (/^nan$/i.test(t)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && !/^[+-]?0[xX][0-9a-fA-F]+$/.test(t)) return NaN;
  return Number(t);
}
