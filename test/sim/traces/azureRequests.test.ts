import { describe, expect, it } from 'vitest';
import { azureComplexity } from '../../../src/sim/traces/azureRequests.js';

describe('azureComplexity', () => {
  it('maps tokens to 0..1 on a log scale', () => {
    expect(azureComplexity(0)).toBe(0);
    expect(azureComplexity(64)).toBe(0);
    expect(azureComplexity(2048)).toBeCloseTo(0.5, 12);
    expect(azureComplexity(8192)).toBeCloseTo(0.7, 12);
    expect(azureComplexity(65_536)).toBe(1);
    expect(azureComplexity(1e9)).toBe(1);
  });
});
