/**
 * Says what a thrown value was, for an error message, and never throws itself: model clients and
 * classifiers may throw anything (`Object.create(null)`, a revoked Proxy, an Error whose `message`
 * getter throws, an object whose `toString` throws). At most `max` characters.
 */
export function describeError(value: unknown, max = 300): string {
  let text: string;
  try {
    text = describe(value);
  } catch {
    text = 'an unprintable thrown value';
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  const type = typeof value;
  if (type === 'string') return value as string;
  if (type !== 'object' && type !== 'function') return String(value);
  let message: unknown;
  try {
    if (value instanceof Error) {
      message = value.message;
      const name = value.name;
      if (typeof message === 'string' && typeof name === 'string')
        return message === '' ? name : `${name}: ${message}`;
    }
  } catch {
    // A getter threw or the value is a revoked Proxy: fall through to the plainer readings.
  }
  try {
    const text = String(value);
    if (typeof text === 'string' && text !== '[object Object]') return text;
  } catch {
    // toString threw or is missing (Object.create(null)).
  }
  try {
    return `a thrown ${Array.isArray(value) ? 'array' : type === 'function' ? 'function' : 'object'}`;
  } catch {
    return 'an unprintable thrown value';
  }
}
