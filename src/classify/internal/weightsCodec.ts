/**
 * Serialised weights: int8-quantised per column, base64 text, so a generated `.ts` module carries
 * them and any bundler includes them. Not public API.
 */
import { columnsOf, type LinearModel } from './linearModel.js';

/** A model as stored in a generated weights module. */
export interface SerializedModel {
  /** Format version. */
  readonly version: 1;
  readonly bits: number;
  readonly labels: readonly string[];
  readonly difficulty: boolean;
  /** Per column: a stored int8 `q` stands for `q * scale`. */
  readonly scales: readonly number[];
  readonly bias: readonly number[];
  /** base64 of the int8 weights, row-major by bucket. */
  readonly data: string;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function toBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out +=
      ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + ALPHABET[v & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i]! << 16;
    out += `${ALPHABET[v >> 18]!}${ALPHABET[(v >> 12) & 63]!}==`;
  } else if (rest === 2) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += `${ALPHABET[v >> 18]!}${ALPHABET[(v >> 12) & 63]!}${ALPHABET[(v >> 6) & 63]!}=`;
  }
  return out;
}

function fromBase64(text: string): Uint8Array {
  // Node's native decoder when there is one (about 50 times faster); this loop elsewhere.
  const buffer = (
    globalThis as {
      Buffer?: { from(text: string, encoding: 'base64'): Uint8Array };
    }
  ).Buffer;
  if (buffer !== undefined) return new Uint8Array(buffer.from(text, 'base64'));
  const lookup = new Uint8Array(128);
  for (let i = 0; i < ALPHABET.length; i++) lookup[ALPHABET.charCodeAt(i)] = i;
  let length = (text.length / 4) * 3;
  if (text.endsWith('==')) length -= 2;
  else if (text.endsWith('=')) length -= 1;
  const out = new Uint8Array(length);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const v =
      (lookup[text.charCodeAt(i)]! << 18) |
      (lookup[text.charCodeAt(i + 1)]! << 12) |
      (lookup[text.charCodeAt(i + 2)]! << 6) |
      lookup[text.charCodeAt(i + 3)]!;
    if (o < length) out[o++] = v >> 16;
    if (o < length) out[o++] = (v >> 8) & 255;
    if (o < length) out[o++] = v & 255;
  }
  return out;
}

/** Quantises and encodes a model. */
export function serializeModel(model: LinearModel): SerializedModel {
  const columns = columnsOf(model);
  const scales: number[] = [];
  for (let k = 0; k < columns; k++) {
    let max = 0;
    for (let i = k; i < model.weights.length; i += columns) {
      max = Math.max(max, Math.abs(model.weights[i]!));
    }
    scales.push(max > 0 ? Number((max / 127).toPrecision(9)) : 1);
  }
  const q = new Int8Array(model.weights.length);
  for (let i = 0; i < q.length; i++) q[i] = Math.round(model.weights[i]! / scales[i % columns]!);
  return {
    version: 1,
    bits: model.bits,
    labels: [...model.labels],
    difficulty: model.difficulty,
    scales,
    bias: Array.from(model.bias, (b) => Number(b.toPrecision(9))),
    data: toBase64(new Uint8Array(q.buffer)),
  };
}

/** Decodes a serialised model. */
export function deserializeModel(stored: SerializedModel): LinearModel {
  const columns = stored.labels.length + 1;
  const q = new Int8Array(fromBase64(stored.data).buffer);
  const weights = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) weights[i] = q[i]! * stored.scales[i % columns]!;
  return {
    bits: stored.bits,
    labels: Object.freeze([...stored.labels]),
    weights,
    bias: Float32Array.from(stored.bias),
    difficulty: stored.difficulty,
  };
}

/** The model a serialisation round trip gives: what ships, for honest evaluation. */
export const quantizeModel = (model: LinearModel): LinearModel =>
  deserializeModel(serializeModel(model));
