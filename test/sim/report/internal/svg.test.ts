import { describe, expect, it } from 'vitest';
import {
  attrs,
  el,
  escapeXml,
  extent,
  formatMs,
  formatNumber,
  formatPercent,
  linearScale,
  linePath,
  logScale,
  niceStep,
  num,
  runs,
} from '../../../../src/sim/report/internal/svg.js';

describe('escaping and markup', () => {
  it('escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
    expect(escapeXml('plain')).toBe('plain');
  });

  it('writes attributes escaped, numbers rounded, undefined skipped', () => {
    expect(attrs({ a: '"<x>"', b: 1.23456, c: undefined })).toBe(
      ' a="&quot;&lt;x&gt;&quot;" b="1.23"',
    );
    expect(el('line', { x1: 0 })).toBe('<line x1="0"/>');
    expect(el('text', { x: 1 }, 'hi')).toBe('<text x="1">hi</text>');
  });

  it('never prints a non-finite coordinate', () => {
    expect(num(Number.NaN)).toBe('0');
    expect(num(Number.POSITIVE_INFINITY)).toBe('0');
    expect(num(-0.001)).toBe('0');
    expect(num(12.345)).toBe('12.35');
  });
});

describe('formatting', () => {
  it('keeps three significant digits without trailing zeros', () => {
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(1.5)).toBe('1.5');
    expect(formatNumber(2)).toBe('2');
    expect(formatNumber(1234.5)).toBe('1235');
    expect(formatNumber(0.012345)).toBe('0.0123');
    expect(formatNumber(Number.NaN)).toBe('–');
  });

  it('formats durations in ms below a second, else in s', () => {
    expect(formatMs(850)).toBe('850 ms');
    expect(formatMs(1250)).toBe('1.25 s');
    expect(formatMs(29213.1)).toBe('29.2 s');
    expect(formatMs(Number.NaN)).toBe('–');
    expect(formatPercent(0.267)).toBe('26.7%');
    expect(formatPercent(Number.POSITIVE_INFINITY)).toBe('–');
  });
});

describe('scales', () => {
  it('picks 1-2-5 steps', () => {
    expect([0.3, 1, 1.1, 3, 7, 45, 0, -1, Number.NaN].map(niceStep)).toEqual([
      0.5, 1, 2, 5, 10, 50, 1, 1, 1,
    ]);
  });

  it('ignores non-finite values in extents', () => {
    expect(extent([3, Number.NaN, -1, Number.POSITIVE_INFINITY])).toEqual([-1, 3]);
    expect(extent([Number.NaN])).toBeUndefined();
  });

  it('nices a linear domain and maps it onto the range', () => {
    const s = linearScale([3, 87], [0, 200], { zero: true, ticks: 5 });
    expect(s.domain).toEqual([0, 100]);
    expect(s.ticks).toEqual([0, 20, 40, 60, 80, 100]);
    expect(s(50)).toBe(100);
    expect(s.log).toBe(false);
  });

  it('ends a tight domain at the data', () => {
    const s = linearScale([0, 87_000], [0, 100], { ticks: 5, tight: true });
    expect(s.domain).toEqual([0, 87_000]);
    expect(s.ticks).toEqual([0, 20_000, 40_000, 60_000, 80_000]);
  });

  it('widens degenerate linear domains', () => {
    expect(linearScale([], [0, 1]).domain).toEqual([0, 1]);
    expect(linearScale([0, 0], [0, 1]).domain).toEqual([0, 1]);
    expect(linearScale([5, 5], [0, 1]).domain).toEqual([0, 10]);
    expect(linearScale([-4], [0, 1]).domain).toEqual([-8, 0]);
    expect(linearScale([0.2], [0, 1], { minMax: 1, zero: true }).domain).toEqual([0, 1]);
    for (const s of [linearScale([], [0, 1]), linearScale([7, 7], [10, 0])]) {
      expect(Number.isFinite(s(3))).toBe(true);
    }
  });

  it('builds a log domain on 1-2-5 values with readable ticks', () => {
    const s = logScale([9, 29_213], [0, 400]);
    expect(s.domain).toEqual([5, 50_000]);
    expect(s.ticks).toEqual([5, 10, 100, 1000, 10_000, 50_000]);
    expect(s(5)).toBe(0);
    expect(s(50_000)).toBe(400);
    expect(s.log).toBe(true);
    expect(logScale([120, 1800], [0, 1]).ticks).toEqual([100, 200, 500, 1000, 2000]);
    expect(logScale([250], [0, 1]).ticks).toEqual([200, 300, 400, 500]);
  });

  it('keeps log scales finite for zero, negative and missing values', () => {
    const empty = logScale([], [0, 100]);
    expect(empty.domain).toEqual([1, 10]);
    const s = logScale([0, -3, Number.NaN, 40], [0, 100]);
    expect(s.domain).toEqual([20, 50]);
    expect(s(0)).toBe(0);
    expect(s(Number.NaN)).toBe(0);
    expect(s(1e9)).toBe(100);
  });
});

describe('paths', () => {
  it('breaks lines at non-finite points', () => {
    expect(
      runs([
        [0, 1],
        [1, Number.NaN],
        [2, 3],
        [3, 4],
      ]),
    ).toEqual([
      [[0, 1]],
      [
        [2, 3],
        [3, 4],
      ],
    ]);
    expect(runs([])).toEqual([]);
  });

  it('draws runs as polylines and lone points as short dashes', () => {
    expect(
      linePath([
        [
          [0, 0],
          [10, 5.555],
        ],
        [[20, 4]],
        [],
      ]),
    ).toBe('M0 0L10 5.56M17 4h6');
    expect(linePath([])).toBe('');
  });
});
