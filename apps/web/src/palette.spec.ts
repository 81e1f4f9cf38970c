import { describe, expect, it } from 'vitest';
import { diffColor, frameColor, heatColor, nameHash } from './palette';

describe('palette', () => {
  it('shades a name the same way every time', () => {
    expect(nameHash('spin_hot')).toBe(nameHash('spin_hot'));
    expect(nameHash('spin_hot')).not.toBe(nameHash('spin_cold'));
    expect(frameColor('user', 'burn')).toBe(frameColor('user', 'burn'));
  });

  it('keeps kernel frames blue and user frames warm', () => {
    const channels = (color: string) => color.match(/\d+/g)!.map(Number);
    for (const name of ['a', 'do_syscall_64', 'zzz']) {
      const [r, , b] = channels(frameColor('kernel', name));
      expect(b).toBeGreaterThan(r!);
      const [ur, , ub] = channels(frameColor('user', name));
      expect(ur).toBeGreaterThan(ub!);
    }
  });

  it('goes from neutral to the palette end with the size of the change', () => {
    expect(diffColor(0, 0.1, 'red-blue')).toBe('rgb(235, 235, 235)');
    expect(diffColor(0.05, 0, 'red-blue')).toBe('rgb(235, 235, 235)');
    expect(diffColor(0.1, 0.1, 'red-blue')).toBe('rgb(220, 40, 40)');
    expect(diffColor(-0.1, 0.1, 'red-blue')).toBe('rgb(40, 80, 220)');
    expect(diffColor(0.05, 0.1, 'blue-orange')).toBe('rgb(233, 197, 118)');
    expect(diffColor(-0.2, 0.1, 'blue-orange')).toBe('rgb(0, 90, 160)');
  });

  it('runs the heat scale from light to dark', () => {
    expect(heatColor(0)).toBe('rgb(247, 251, 255)');
    expect(heatColor(0.5)).toBe('rgb(107, 174, 214)');
    expect(heatColor(1)).toBe('rgb(8, 48, 107)');
    expect(heatColor(2)).toBe('rgb(8, 48, 107)');
  });
});
