/** How many items an error message lists before "and N more". */
const LISTED = 5;

/**
 * Joins the first few items for a message and counts the rest, so a message about a fleet of
 * 10,000 models stays a line: `a, b, c, d, e and 9995 more`.
 */
export function listSome(items: readonly string[], max = LISTED, separator = ', '): string {
  if (items.length <= max) return items.join(separator);
  return `${items.slice(0, max).join(separator)} and ${items.length - max} more`;
}
