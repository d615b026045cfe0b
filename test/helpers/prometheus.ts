import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Set to `1` (CI does) to make a missing `prometheus` binary fail the test instead of skipping it. */
export const REQUIRE_PROMETHEUS_VARIABLE = 'ZETA_REQUIRE_PROMETHEUS';

/** Whether a missing Prometheus must fail the test (`ZETA_REQUIRE_PROMETHEUS=1`, set by CI). */
export function prometheusRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[REQUIRE_PROMETHEUS_VARIABLE];
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/** The path of executable `name` on `PATH`, like `command -v`, or undefined. */
export function findExecutable(name: string, path = process.env['PATH'] ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  return undefined;
}

/** A free TCP port on 127.0.0.1 (bound and released: the caller binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function poll<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not ready after ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A Prometheus server the test started, with its own config and storage in a temp dir. */
export interface PrometheusServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** What it printed so far (for failure messages). */
  readonly log: () => string;
  /** Runs an instant query; resolves with Prometheus's JSON answer. */
  query(expr: string): Promise<PromResponse>;
  /** Runs a range query from `start` to `end` (seconds since the epoch), one point per `step` s. */
  queryRange(expr: string, start: number, end: number, step: number): Promise<PromResponse>;
  /** Kills the server (TERM, then KILL after 5 s) and removes its temp dir. Idempotent. */
  stop(): Promise<void>;
}

export interface PromResponse {
  readonly status: 'success' | 'error';
  readonly error?: string;
  readonly data?: {
    readonly resultType: string;
    readonly result: ReadonlyArray<{
      readonly metric: Record<string, string>;
      readonly value?: [number, string];
      readonly values?: Array<[number, string]>;
    }>;
  };
}

/**
 * Starts `binary` on a free loopback port, scraping `target` (`host:port`, path `/metrics`) every
 * `scrapeIntervalS` seconds, and resolves once `/-/ready` answers (bounded by `readyTimeoutMs`).
 */
export async function startPrometheus(
  binary: string,
  target: string,
  { scrapeIntervalS = 1, readyTimeoutMs = 30_000 } = {},
): Promise<PrometheusServer> {
  const dir = await mkdtemp(join(tmpdir(), 'zeta-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  await writeFile(
    config,
    [
      'global:',
      `  scrape_interval: ${scrapeIntervalS}s`,
      `  scrape_timeout: ${scrapeIntervalS}s`,
      `  evaluation_interval: ${scrapeIntervalS}s`,
      'scrape_configs:',
      '  - job_name: zeta-router-app',
      '    static_configs:',
      `      - targets: ['${target}']`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const get = async (path: string): Promise<PromResponse> => {
    const res = await fetch(url + path);
    return (await res.json()) as PromResponse;
  };
  try {
    await poll(
      `Prometheus on ${url}`,
      async () => {
        if (child.exitCode !== null)
          throw new Error(`prometheus exited ${child.exitCode}: ${output}`);
        const res = await fetch(`${url}/-/ready`);
        return res.ok ? true : undefined;
      },
      readyTimeoutMs,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    log: () => output,
    query: (expr) => get(`/api/v1/query?query=${encodeURIComponent(expr)}`),
    queryRange: (expr, start, end, step) =>
      get(
        `/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${start}&end=${end}&step=${step}`,
      ),
    stop,
  };
}

/** One query of a Grafana dashboard: the panel's title, the target's refId and its PromQL. */
export interface DashboardQuery {
  readonly panel: string;
  readonly refId: string;
  readonly legend: string;
  readonly expr: string;
}

/**
 * Every Prometheus query of a Grafana dashboard JSON, with its template variables replaced by
 * `variables` (e.g. `$__rate_interval` by a window, `$model` by `.*`, as Grafana does for "All").
 */
export function dashboardQueries(
  dashboard: unknown,
  variables: Readonly<Record<string, string>>,
): DashboardQuery[] {
  const queries: DashboardQuery[] = [];
  const panels = (dashboard as { panels?: unknown[] }).panels ?? [];
  const visit = (panel: {
    title?: string;
    panels?: unknown[];
    targets?: Array<{ expr?: string; refId?: string; legendFormat?: string }>;
  }): void => {
    for (const inner of panel.panels ?? []) visit(inner as typeof panel);
    for (const target of panel.targets ?? []) {
      if (typeof target.expr !== 'string') continue;
      let expr = target.expr;
      for (const [name, value] of Object.entries(variables)) {
        expr = expr.split(`\${${name}}`).join(value).split(`$${name}`).join(value);
      }
      queries.push({
        panel: panel.title ?? '',
        refId: target.refId ?? '',
        legend: target.legendFormat ?? '',
        expr,
      });
    }
  };
  for (const panel of panels) visit(panel as Parameters<typeof visit>[0]);
  return queries;
}
