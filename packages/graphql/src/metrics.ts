type Labels = Readonly<Record<string, string>>;

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  const escapeValue = (v: string) =>
    v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
  return `{${entries.map(([k, v]) => `${k}="${escapeValue(v)}"`).join(',')}}`;
}

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The gateway's Prometheus metrics, rendered in the text exposition format 0.0.4. */
export class Metrics {
  readonly #counters = new Map<string, { help: string; values: Map<string, number> }>();
  readonly #durations = new Map<string, { buckets: number[]; sum: number; count: number }>();

  constructor() {
    this.#counter('acs_gateway_http_requests_total', 'HTTP requests by route and status.');
    this.#counter(
      'acs_gateway_graphql_operations_total',
      'GraphQL operations by root field and outcome code.',
    );
    this.#counter(
      'acs_gateway_identities_created_total',
      'ACS identities created for end users on first use.',
    );
    this.#counter('acs_gateway_tokens_issued_total', 'Access tokens handed out, by caller role.');
    this.#counter('acs_gateway_auth_failures_total', 'Requests refused because authentication failed.');
    this.#counter('acs_gateway_rate_limited_total', 'Requests refused by the per-caller rate limit.');
  }

  #counter(name: string, help: string) {
    this.#counters.set(name, { help, values: new Map() });
  }

  inc(name: string, labels: Labels = {}, by = 1) {
    const counter = this.#counters.get(name);
    if (counter === undefined) throw new Error(`Unknown metric ${name}.`);
    const key = labelText(labels);
    counter.values.set(key, (counter.values.get(key) ?? 0) + by);
  }

  observeRequest(route: string, seconds: number) {
    const key = labelText({ route });
    const series = this.#durations.get(key) ?? { buckets: DURATION_BUCKETS.map(() => 0), sum: 0, count: 0 };
    DURATION_BUCKETS.forEach((le, i) => {
      if (seconds <= le) series.buckets[i] = (series.buckets[i] ?? 0) + 1;
    });
    series.sum += seconds;
    series.count += 1;
    this.#durations.set(key, series);
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, counter] of this.#counters) {
      lines.push(`# HELP ${name} ${counter.help}`, `# TYPE ${name} counter`);
      for (const [labels, value] of counter.values) lines.push(`${name}${labels} ${value}`);
    }
    const name = 'acs_gateway_http_request_duration_seconds';
    lines.push(`# HELP ${name} HTTP request duration by route.`, `# TYPE ${name} histogram`);
    for (const [labels, series] of this.#durations) {
      const inner = labels.slice(1, -1);
      DURATION_BUCKETS.forEach((le, i) => {
        lines.push(`${name}_bucket{${inner},le="${le}"} ${series.buckets[i] ?? 0}`);
      });
      lines.push(`${name}_bucket{${inner},le="+Inf"} ${series.count}`);
      lines.push(`${name}_sum${labels} ${series.sum}`, `${name}_count${labels} ${series.count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
