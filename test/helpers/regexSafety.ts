/**
 * A conservative audit of a RegExp's source: the unbounded quantifiers it uses (`*`, `+`, `{n,}`),
 * outside character classes and escapes. A pattern with none cannot backtrack for long: its cost
 * per start position is bounded by its quantifier bounds, so a scan is linear in the text.
 */
export function unboundedQuantifiers(re: RegExp): string[] {
  const source = re.source;
  const found: string[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i += 1;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '*' || c === '+') found.push(`${c} at ${i}`);
    else if (c === '{') {
      const m = /^\{\d+,\}/.exec(source.slice(i));
      if (m !== null) found.push(`${m[0]} at ${i}`);
    }
  }
  return found;
}
