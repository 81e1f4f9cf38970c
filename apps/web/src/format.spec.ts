import { describe, expect, it } from 'vitest';
import {
  formatAgo,
  formatDelta,
  formatMs,
  formatNumber,
  formatPointsDelta,
  formatRatioChange,
  formatShare,
  formatThresholdChange,
  formatTicks,
  formatWithUnit,
  shortId,
} from './format';

describe('format', () => {
  it('groups thousands and keeps two decimals', () => {
    expect(formatNumber(1234567.891)).toBe('1,234,567.89');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(null)).toBe('–');
    expect(formatNumber(Number.NaN)).toBe('–');
  });

  it('writes shares and their changes', () => {
    expect(formatShare(0.7034)).toBe('70.3%');
    expect(formatRatioChange(1.125)).toBe('+12.5%');
    expect(formatRatioChange(0.97)).toBe('−3.0%');
    expect(formatRatioChange(null)).toBe('new');
    expect(formatPointsDelta(0.0125)).toBe('+1.25 pp');
    expect(formatPointsDelta(-0.5)).toBe('−50.00 pp');
    expect(formatDelta(1200)).toBe('+1,200');
    expect(formatDelta(-3)).toBe('−3');
    expect(formatDelta(0)).toBe('0');
  });

  it('writes durations and ages', () => {
    expect(formatMs(850.4)).toBe('850 ms');
    expect(formatMs(12_340)).toBe('12.3 s');
    expect(formatMs(245_000)).toBe('4 min 05 s');
    expect(formatMs(undefined)).toBe('–');
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(formatAgo('2026-01-01T11:59:55Z', now)).toBe('5 s ago');
    expect(formatAgo('2026-01-01T11:57:00Z', now)).toBe('3 min ago');
    expect(formatAgo('2026-01-01T10:00:00Z', now)).toBe('2 h ago');
    expect(formatAgo('2025-12-28T12:00:00Z', now)).toBe('4 d ago');
  });

  it('shortens ids and adds units', () => {
    expect(shortId('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe('0f8fad5b');
    expect(formatWithUnit(812, 'us')).toBe('812 us');
    expect(formatWithUnit(3, 'value')).toBe('3');
  });

  it('writes a threshold change in the terms of its limit', () => {
    expect(formatThresholdChange(24.1, '+10%')).toBe('+24.1%');
    expect(formatThresholdChange(-1.5, '+2pp')).toBe('−1.5 pp');
    expect(formatThresholdChange(1200, '+2ms')).toBe('+1,200');
    expect(formatThresholdChange(0, '-5%')).toBe('0%');
    expect(formatThresholdChange(null, '+10%')).toBe('–');
  });

  it('labels axis ticks with three significant digits, blank where uPlot leaves them unlabelled', () => {
    expect(formatTicks([0.5, null, 1000, 123456, 0.000123])).toEqual(['0.5', null, '1,000', '123,000', '0.000123']);
  });
});
