import { describe, expect, it } from 'vitest';
import { compileCues } from '../../src/classify/internal/cues.js';
import {
  defaultCodeCues,
  defaultReasoningCues,
  stackTracePattern,
} from '../../src/classify/ruleCues.js';
import { unboundedQuantifiers } from '../helpers/regexSafety.js';

describe('built-in cues', () => {
  it('use no unbounded quantifier, so no prompt makes them backtrack for long', () => {
    const problems: string[] = [];
    const compiled = [
      ...compileCues(problems, 'code', defaultCodeCues),
      ...compileCues(problems, 'reasoning', defaultReasoningCues),
      ...compileCues(problems, 'multi-word', ['stack trace', 'pip install']),
    ];
    expect(problems).toEqual([]);
    for (const cue of compiled) {
      if (cue.kind === 'regexp') expect(unboundedQuantifiers(cue.re), String(cue.re)).toEqual([]);
    }
    expect(unboundedQuantifiers(stackTracePattern)).toEqual([]);
  });

  it('the audit finds unbounded quantifiers outside classes and escapes', () => {
    expect(unboundedQuantifiers(/a+b*c{2,}/)).toEqual(['+ at 1', '* at 3', '{2,} at 5']);
    expect(unboundedQuantifiers(/[*+]\*\+a{1,4}/)).toEqual([]);
  });

  it('still find stack traces', () => {
    expect(stackTracePattern.test('Error: x\n    at render (/app/src/List.tsx:12:18)')).toBe(true);
    expect(
      stackTracePattern.test('Traceback (most recent call last):\n  File "a.py", line 3'),
    ).toBe(true);
    expect(stackTracePattern.test('look at the sky')).toBe(false);
  });
});
