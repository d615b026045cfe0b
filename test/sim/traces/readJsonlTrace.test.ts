import { describe, expect, it } from 'vitest';
import { readJsonlTrace } from '../../../src/sim/traces/readJsonlTrace.js';
import { configError } from '../../helpers/configError.js';
import { errorOf } from './fixture.js';

describe('readJsonlTrace', () => {
  it('reads requests, sorts them by t and numbers them', () => {
    const text = [
      '{"t":500,"type":"code","complexity":0.4,"tokens":900,"priority":1}',
      '',
      '{"t":100,"type":"simple","complexity":0,"tokens":20,"outputTokens":5}\r',
      '{"t":500,"type":"embedding","complexity":0.1,"tokens":300}',
    ].join('\n');
    expect(readJsonlTrace(text)).toEqual([
      { id: 0, t: 100, type: 'simple', complexity: 0, tokens: 20, outputTokens: 5, priority: 0 },
      { id: 1, t: 500, type: 'code', complexity: 0.4, tokens: 900, priority: 1 },
      { id: 2, t: 500, type: 'embedding', complexity: 0.1, tokens: 300, priority: 0 },
    ]);
    expect(readJsonlTrace('')).toEqual([]);
  });

  it.each([
    [
      '{"t":0,"type":"code","complexity":1.5,"tokens":1}',
      'complexity',
      "line 2: field 'complexity' must be a number in [0, 1], got 1.5",
    ],
    [
      '{"t":-1,"type":"code","complexity":0,"tokens":1}',
      't',
      "line 2: field 't' must be a number from 0 to 1000000000000 (milliseconds), got -1",
    ],
    [
      '{"t":0,"type":"","complexity":0,"tokens":1}',
      'type',
      'line 2: field \'type\' must be a non-empty string, got ""',
    ],
    [
      '{"t":0,"type":"code","complexity":0}',
      'tokens',
      "line 2: field 'tokens' must be an integer from 0 to 10000000, got nothing",
    ],
    [
      '{"t":0,"type":"code","complexity":0,"tokens":2.5}',
      'tokens',
      "line 2: field 'tokens' must be an integer from 0 to 10000000, got 2.5",
    ],
    [
      '{"t":0,"type":"code","complexity":0,"tokens":5,"outputTokens":6}',
      'outputTokens',
      "line 2: field 'outputTokens' must be an integer in [0, tokens], got 6",
    ],
    [
      '{"t":0,"type":"code","complexity":0,"tokens":5,"priority":"high"}',
      'priority',
      'line 2: field \'priority\' must be a finite number, got "high"',
    ],
    [
      '{"t":1e308,"type":"code","complexity":0,"tokens":1}',
      't',
      "line 2: field 't' must be a number from 0 to 1000000000000 (milliseconds), got 1e+308",
    ],
    [
      '{"t":1000000000001,"type":"code","complexity":0,"tokens":1}',
      't',
      "line 2: field 't' must be a number from 0 to 1000000000000 (milliseconds), got 1000000000001",
    ],
    [
      '{"t":0,"type":"code","complexity":0,"tokens":10000001}',
      'tokens',
      "line 2: field 'tokens' must be an integer from 0 to 10000000, got 10000001",
    ],
    [
      '{"t":0,"type":"code","complexty":0,"tokens":5}',
      'complexty',
      "line 2: field 'complexty' is unknown",
    ],
  ])('names the line and field of a bad value: %s', (line, field, message) => {
    const error = errorOf(() =>
      readJsonlTrace(`{"t":0,"type":"code","complexity":0,"tokens":1}\n${line}\n`),
    );
    expect(error.line).toBe(2);
    expect(error.field).toBe(field);
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.name).toBe('TraceError');
  });

  it('reports invalid JSON and non-objects with the line', () => {
    expect(() => readJsonlTrace('\n\n{"t":0,')).toThrow(/^line 3: is not valid JSON/);
    expect(() => readJsonlTrace('[1,2]')).toThrow('line 1: must be a JSON object, got [1,2]');
  });

  it('throws CONFIG_INVALID for a non-string argument', () => {
    expect(configError(() => readJsonlTrace(undefined as unknown as string)).message).toBe(
      'Invalid readJsonlTrace arguments:\n- text must be a string, got undefined',
    );
  });
});
