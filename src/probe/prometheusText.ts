/**
 * Reads the Prometheus text exposition format (what `/metrics` endpoints serve): the value of
 * each sample, summed per metric name over its label sets (a vLLM server labels by model name).
 * Comment, blank and malformed lines are skipped; `NaN` and infinite values are left out. Bounded
 * work: at most `maxLines` lines are read.
 *
 * @example
 * parsePrometheusText('vllm:num_requests_waiting{model_name="m"} 3\n').get('vllm:num_requests_waiting') //=> 3
 */
export function parsePrometheusText(text: string, maxLines = 100_000): Map<string, number> {
  const out = new Map<string, number>();
  let start = 0;
  for (let line = 0; line < maxLines && start < text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const row = text.slice(start, end).trim();
    start = end + 1;
    if (row === '' || row.charCodeAt(0) === 35 /* # */) continue;
    // name{labels} value [timestamp]  or  name value [timestamp]
    const brace = row.indexOf('{');
    let name: string;
    let rest: string;
    if (brace >= 0) {
      const close = row.lastIndexOf('}');
      if (close < brace) continue;
      name = row.slice(0, brace);
      rest = row.slice(close + 1).trim();
    } else {
      const space = row.search(/\s/);
      if (space < 0) continue;
      name = row.slice(0, space);
      rest = row.slice(space + 1).trim();
    }
    const value = Number(rest.split(/\s/, 1)[0]);
    if (name === '' || !Number.isFinite(value)) continue;
    out.set(name, (out.get(name) ?? 0) + value);
  }
  return out;
}
