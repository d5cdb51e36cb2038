import { CliError } from './errors.js';
import type { OutputFormat } from './options.js';

/** A JSON value as printed by the CLI. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Applies a JMESPath expression (loaded only when a query is given). */
export async function applyQuery(value: JsonValue, query: string): Promise<JsonValue> {
  const jmespath = await import('jmespath');
  const search = (jmespath.default?.search ?? jmespath.search) as (doc: unknown, q: string) => unknown;
  try {
    return (search(value, query) ?? null) as JsonValue;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError('USAGE', `Invalid --query "${query}": ${reason}`, {
      cause: error,
      hint: 'Write a JMESPath expression such as rawId, token, user_id or [].rawId (see https://jmespath.org).',
    });
  }
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sorts object keys recursively, as az prints them. */
export function sortKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const out: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key] as JsonValue);
  return out;
}

const ansi = (code: string) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;
const color = { key: ansi('94'), string: ansi('32'), number: ansi('36'), literal: ansi('35') };

function colorizeJson(text: string): string {
  return text.replace(
    /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g,
    (match, str: string | undefined, colon: string | undefined, literal: string | undefined) => {
      if (str !== undefined) return colon ? `${color.key(str)}${colon}` : color.string(str);
      if (literal !== undefined) return color.literal(literal);
      return color.number(match);
    },
  );
}

function colorizeYaml(text: string): string {
  return text.replace(
    /^(\s*(?:- )?)([^\s:][^:\n]*)(:)(?=\s|$)/gm,
    (_m, lead: string, key: string, colon: string) => {
      return `${lead}${color.key(key)}${colon}`;
    },
  );
}

function scalarText(value: JsonValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  return String(value);
}

function tsvCell(value: JsonValue): string {
  if (Array.isArray(value)) return String(value.length);
  if (isObject(value)) return '';
  return scalarText(value);
}

function tsvRow(value: JsonValue): string {
  if (Array.isArray(value)) return value.map(tsvCell).join('\t');
  if (isObject(value)) {
    return Object.keys(value)
      .sort()
      .map((k) => tsvCell(value[k] as JsonValue))
      .join('\t');
  }
  return scalarText(value);
}

/** az's tsv: one line per item, values of objects in key order, nested objects empty and arrays as their length. */
function toTsv(value: JsonValue): string {
  const rows = Array.isArray(value) ? value : [value];
  return rows.map(tsvRow).join('\n');
}

const SKIP_TABLE_KEYS = new Set(['id', 'type', 'etag']);

function tableItem(item: JsonValue, sort: boolean): Map<string, string> {
  const row = new Map<string, string>();
  if (isObject(item)) {
    const keys = sort ? Object.keys(item).sort() : Object.keys(item);
    for (const key of keys) {
      const v = item[key] as JsonValue;
      if (SKIP_TABLE_KEYS.has(key) || v === null || typeof v === 'object') continue;
      row.set(key.charAt(0).toUpperCase() + key.slice(1), scalarText(v));
    }
  } else if (Array.isArray(item)) {
    item.forEach((v, i) => {
      row.set(`Column${i + 1}`, tsvCell(v));
    });
  } else {
    row.set('Result', scalarText(item));
  }
  return row;
}

/** az's table: scalar fields as columns (first letter capitalised), nested objects and id/type/etag left out. */
function toTable(value: JsonValue, sort: boolean): string {
  const items = Array.isArray(value) ? value : [value];
  const rows = items.map((item) => tableItem(item, sort));
  const headers: string[] = [];
  for (const row of rows) for (const key of row.keys()) if (!headers.includes(key)) headers.push(key);
  if (headers.length === 0) return '';
  const widths = headers.map((h) => Math.max(h.length, ...rows.map((r) => (r.get(h) ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(headers),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(headers.map((h) => r.get(h) ?? ''))),
  ].join('\n');
}

/**
 * Renders a command's result for stdout. `undefined` (delete, revoke) renders as nothing. Returns the text without
 * the final newline, or `undefined` when nothing is to be printed.
 */
export async function renderResult(
  result: JsonValue | undefined,
  format: OutputFormat,
  query?: string,
): Promise<string | undefined> {
  if (result === undefined || format === 'none') return undefined;
  const value = query ? await applyQuery(result, query) : result;
  switch (format) {
    case 'json':
      return JSON.stringify(sortKeys(value), null, 2);
    case 'jsonc':
      return colorizeJson(JSON.stringify(sortKeys(value), null, 2));
    case 'yaml':
    case 'yamlc': {
      const { stringify } = await import('yaml');
      const text = stringify(sortKeys(value), { lineWidth: 0 }).trimEnd();
      return format === 'yamlc' ? colorizeYaml(text) : text;
    }
    case 'tsv':
      return toTsv(value);
    case 'table':
      return toTable(value, !query);
  }
}
