import { CliError } from './errors.js';
import type { OutputFormat } from './global-options.js';
import type { JsonValue } from './json.js';

export type { JsonValue } from './json.js';

interface JmesPath {
  search(doc: unknown, query: string): unknown;
  compile(query: string): unknown;
}

/** The JMESPath library, loaded only when a query is given. */
async function jmespath(): Promise<JmesPath> {
  const module = await import('jmespath');
  return (module.default ?? module) as JmesPath;
}

function invalidQuery(query: string, error: unknown): CliError {
  const reason = error instanceof Error ? error.message : String(error);
  return new CliError('USAGE', `Invalid --query "${query}": ${reason}`, {
    cause: error,
    hint: 'Write a JMESPath expression such as rawId, token, user_id or [].rawId (see https://jmespath.org).',
  });
}

/** Checks that a --query is a JMESPath expression, before a command does anything (as az does). */
export async function checkQuery(query: string): Promise<void> {
  const { compile } = await jmespath();
  try {
    compile(query);
  } catch (error) {
    throw invalidQuery(query, error);
  }
}

/** Applies a JMESPath expression. */
export async function applyQuery(value: JsonValue, query: string): Promise<JsonValue> {
  const { search } = await jmespath();
  try {
    return (search(value, query) ?? null) as JsonValue;
  } catch (error) {
    throw invalidQuery(query, error);
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
  if (isObject(value)) return Object.values(value).map(tsvCell).join('\t');
  return scalarText(value);
}

/**
 * az's tsv: one line per item, values of objects in the order of their keys, nested objects empty and arrays as their
 * length. The keys come sorted unless a query chose them (`{User: user_id, Expires: expires_on}` keeps its order).
 */
function toTsv(value: JsonValue): string {
  const rows = Array.isArray(value) ? value : [value];
  return rows.map(tsvRow).join('\n');
}

const SKIP_TABLE_KEYS = new Set(['id', 'type', 'etag']);

function tableItem(item: JsonValue): Map<string, string> {
  const row = new Map<string, string>();
  if (isObject(item)) {
    for (const key of Object.keys(item)) {
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

/**
 * az's table: scalar fields as columns (first letter capitalised), nested objects and id/type/etag left out; columns in
 * the order of the keys (sorted unless a query chose them).
 */
function toTable(value: JsonValue): string {
  const items = Array.isArray(value) ? value : [value];
  const rows = items.map(tableItem);
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
  // Keys are sorted before the query, so what a query builds (a multiselect hash) keeps the query's order.
  const sorted = sortKeys(result);
  const value = query ? await applyQuery(sorted, query) : sorted;
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
      return toTable(value);
  }
}
