import type { Registry } from 'prom-client';

interface Sample {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName?: string;
}

/** The samples of one metric, as prom-client collects them for a scrape. */
export async function samples(registry: Registry, name: string): Promise<Sample[]> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`${name} is not registered`);
  return (await metric.get()).values as Sample[];
}

/** The value of the sample of `name` whose labels include `labels` (undefined when none). */
export async function value(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
  metricName = name,
): Promise<number | undefined> {
  const found = (await samples(registry, name)).find(
    (s) =>
      (s.metricName ?? name) === metricName &&
      Object.entries(labels).every(([k, v]) => String(s.labels[k]) === v),
  );
  return found?.value;
}
