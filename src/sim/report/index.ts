/**
 * Reports of simulation comparisons: a self-contained HTML page and standalone SVG plots.
 *
 * Not exported: `internal/` (SVG helpers, chart layout and the plot builders).
 */

// HTML report and standalone plots
export type { HtmlReportOptions } from './html.js';
export { renderCdfSvg, renderHtmlReport, renderLatencyOverTimeSvg } from './html.js';
