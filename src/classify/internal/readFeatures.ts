/**
 * From a request to its features: reads the text (bounded), takes the window, finds the rule
 * signals and hashes the features. Shared by the learned classifier and its trainer, so a model
 * sees the same features in training and in use. Not public API.
 */
import { stackTracePattern } from '../ruleCues.js';
import { extractFeatures, WINDOW_HEAD, WINDOW_TAIL } from './features.js';
import { type RequestShape, readRequestText, scanWindow } from './requestText.js';

/** What one request gave. The features themselves are in the caller's buffer. */
export interface FeatureRead {
  readonly shape: RequestShape;
  /** Characters of the request's text (see `RequestText.chars`). */
  readonly chars: number;
  readonly tokenIds: number;
  readonly turns: number;
  /** Features written (0 for embedding and unknown shapes, and empty text). */
  readonly count: number;
  /** The window holds a ``` fence. */
  readonly fence: boolean;
  /** The window holds a stack trace or a Python traceback. */
  readonly stackTrace: boolean;
}

/**
 * Whether `text` holds a stack trace: cheap `indexOf` checks first, the (bounded) pattern only
 * when one of them hits.
 */
function hasStackTrace(text: string): boolean {
  // A Python traceback has its header or `File "...", line n`; a JS stack indents `at` lines.
  if (
    text.indexOf('Traceback (most') < 0 &&
    text.indexOf('File "') < 0 &&
    text.indexOf('  at ') < 0 &&
    text.indexOf('\tat ') < 0
  ) {
    return false;
  }
  return stackTracePattern.test(text);
}

/** Reads `req` and writes its feature buckets (masked with `mask`) into `out`. */
export function readFeatures(req: unknown, mask: number, out: Int32Array): FeatureRead {
  const text = readRequestText(req);
  const base = { shape: text.shape, chars: text.chars, tokenIds: text.tokenIds, turns: text.turns };
  if ((text.shape !== 'prompt' && text.shape !== 'chat') || text.parts.length === 0) {
    return { ...base, count: 0, fence: false, stackTrace: false };
  }
  const window = scanWindow(text.parts, WINDOW_HEAD + WINDOW_TAIL, WINDOW_HEAD);
  const fence = window.indexOf('```') >= 0;
  const stackTrace = hasStackTrace(window);
  const count = extractFeatures(window, text.chars, { fence, stackTrace }, mask, out);
  return { ...base, count, fence, stackTrace };
}
