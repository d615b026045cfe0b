import { configInvalid } from '../../../utils/options.js';
import { mustBe } from '../../internal/check.js';
import type { SimRequest } from '../../types.js';

/** Steps every trace reader shares: checking the text argument, numbering the requests. */

/** Throws `CONFIG_INVALID` when a reader is given something other than text. */
export function assertText(subject: string, name: string, text: unknown): void {
  if (typeof text !== 'string') throw configInvalid(subject, [mustBe(name, 'a string', text)]);
}

/** Sorts by time (stable) and numbers the requests 0, 1, 2… in that order. */
export function numbered(requests: ReadonlyArray<Omit<SimRequest, 'id'>>): SimRequest[] {
  return requests
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.t - b.r.t || a.i - b.i)
    .map(({ r }, id) => ({ id, ...r }));
}
