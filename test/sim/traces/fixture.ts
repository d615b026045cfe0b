import { TraceError } from '../../../src/sim/traces/TraceError.js';

/** The TraceError `fn` throws (any other outcome fails the test). */
export const errorOf = (fn: () => unknown): TraceError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof TraceError) return error;
    throw error;
  }
  throw new Error('expected a TraceError');
};

export const CODE_CSV = `TIMESTAMP,ContextTokens,GeneratedTokens
2023-11-16 18:17:03.9799600,4808,10
2023-11-16 18:17:04.0319600,3180,8
2023-11-16 18:17:05.5,110,27
`;

export const CONV_CSV = `TIMESTAMP,ContextTokens,GeneratedTokens\r
2023-11-16 18:17:02.0000000,374,44\r
2023-11-16 18:17:04.0000000,2049,109\r
2023-11-16 18:17:06.0000000,2048,55\r
`;
