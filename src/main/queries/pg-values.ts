// Postgres text-format values → JSON-safe values. The executor asks for text format and
// converts here, so results do not depend on pg's global type parsers (which the warehouse
// pool changes for int8).

export interface TypeInfo {
  name: string;
  /** Element type of an array type, else 0. */
  elem: number;
}

// Built-in OIDs are fixed across Postgres versions; anything else is looked up once per pool.
export const BUILTIN_TYPES: ReadonlyMap<number, TypeInfo> = new Map(
  (
    [
      [16, 'boolean'], [17, 'bytea'], [18, '"char"'], [19, 'name'], [20, 'bigint'], [21, 'smallint'], [23, 'integer'], [24, 'regproc'], [25, 'text'], [26, 'oid'],
      [114, 'json'], [142, 'xml'], [194, 'pg_node_tree'], [600, 'point'], [650, 'cidr'], [700, 'real'], [701, 'double precision'], [705, 'unknown'], [774, 'macaddr8'], [829, 'macaddr'],
      [869, 'inet'], [1042, 'character'], [1043, 'character varying'], [1082, 'date'], [1083, 'time without time zone'], [1114, 'timestamp without time zone'],
      [1184, 'timestamp with time zone'], [1186, 'interval'], [1266, 'time with time zone'], [1560, 'bit'], [1562, 'bit varying'], [1700, 'numeric'], [2205, 'regclass'], [2206, 'regtype'],
      [2950, 'uuid'], [3220, 'pg_lsn'], [3614, 'tsvector'], [3802, 'jsonb'], [4089, 'regnamespace'], [4096, 'regrole'], [28, 'xid'], [5069, 'xid8'], [3361, 'pg_ndistinct'],
      [3402, 'pg_dependencies'], [5017, 'pg_mcv_list'], [2249, 'record'], [2277, 'anyarray'], [2278, 'void'], [1033, 'aclitem'], [22, 'int2vector'], [30, 'oidvector'],
    ] as const
  )
    .map(([oid, name]) => [oid, { name, elem: 0 }] as [number, TypeInfo])
    .concat(
      (
        [
          [1000, 16], [1001, 17], [1002, 18], [1003, 19], [1016, 20], [1005, 21], [1007, 23], [1009, 25], [1028, 26], [199, 114], [1021, 700], [1022, 701], [1014, 1042],
          [1015, 1043], [1182, 1082], [1183, 1083], [1115, 1114], [1185, 1184], [1187, 1186], [1270, 1266], [1231, 1700], [2951, 2950], [3807, 3802], [1034, 1033], [1041, 869],
          [651, 650], [2210, 2205],
        ] as const
      ).map(([oid, elem]) => [oid, { name: '', elem }] as [number, TypeInfo]),
    ),
);

/** "integer[]" for array types, resolving element names from the same table. */
export function typeName(oid: number, types: ReadonlyMap<number, TypeInfo>): string {
  const t = types.get(oid);
  if (!t) return `oid ${oid}`;
  if (t.name) return t.name;
  return `${types.get(t.elem)?.name ?? `oid ${t.elem}`}[]`;
}

const MAX_EXACT_DIGITS = 15;

/** numeric/bigint text → number when exact (≤ 15 significant digits), else the text. */
function exactNumber(text: string): number | string {
  if (!/^-?\d+(\.\d+)?$/.test(text)) return text; // NaN, Infinity
  const digits = text.replace(/^-/, '').replace('.', '').replace(/^0+/, '');
  const significant = text.includes('.') ? digits.replace(/0+$/, '') : digits.replace(/0+$/, '');
  return significant.length <= MAX_EXACT_DIGITS ? Number(text) : text;
}

function floatValue(text: string): number | string {
  const n = Number(text);
  return Number.isFinite(n) ? n : text; // NaN / Infinity are not JSON
}

// With TimeZone = UTC and DateStyle = ISO (set by the executor) timestamptz prints as
// "2024-01-20 16:45:00.123456+00": keep the microseconds, write ISO 8601.
function isoTimestamp(text: string, zoned: boolean): string {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)(\+00)?$/.exec(text);
  if (!m) return text; // infinity, BC dates, years beyond 9999
  return `${m[1]}T${m[2]}${zoned ? 'Z' : ''}`;
}

function scalar(oid: number, text: string): unknown {
  switch (oid) {
    case 16:
      return text === 't';
    case 20:
    case 1700:
      return exactNumber(text);
    case 21:
    case 23:
    case 26:
      return Number(text);
    case 700:
    case 701:
      return floatValue(text);
    case 114:
    case 3802:
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    case 1114:
      return isoTimestamp(text, false);
    case 1184:
      return isoTimestamp(text, true);
    case 17:
      return text; // already "\x…" hex (bytea_output = hex)
    default:
      return text;
  }
}

/**
 * Parses an array literal ("{1,2,NULL}", '{"a b","c\\"d"}', "[0:1]={1,2}", nested) into
 * element texts (null for NULL), nested for multi-dimensional arrays.
 */
export function parseArrayLiteral(text: string): unknown[] {
  let i = text.startsWith('[') ? text.indexOf('=') + 1 : 0;
  const parse = (): unknown[] => {
    const out: unknown[] = [];
    if (text[i] !== '{') throw new Error(`not an array literal: ${text.slice(0, 40)}`);
    i++;
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      if (text[i] === '{') {
        out.push(parse());
      } else if (text[i] === '"') {
        let s = '';
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\') i++;
          s += text[i++];
        }
        i++;
        out.push(s);
      } else {
        const start = i;
        while (i < text.length && text[i] !== ',' && text[i] !== '}') i++;
        const raw = text.slice(start, i).trim();
        out.push(raw.toUpperCase() === 'NULL' ? null : raw);
      }
      if (text[i] === ',') i++;
      else if (text[i] === '}') {
        i++;
        return out;
      } else throw new Error(`malformed array literal: ${text.slice(0, 40)}`);
    }
  };
  return parse();
}

/** Converts one text-format value of type `oid` (arrays element-wise) to a JSON-safe value. */
export function convertValue(oid: number, text: string | null, types: ReadonlyMap<number, TypeInfo>): unknown {
  if (text === null) return null;
  const info = types.get(oid);
  if (info && info.elem) {
    const elem = info.elem;
    const walk = (v: unknown): unknown => (Array.isArray(v) ? v.map(walk) : v === null ? null : convertValue(elem, v as string, types));
    try {
      return walk(parseArrayLiteral(text));
    } catch {
      return text;
    }
  }
  return scalar(oid, text);
}
