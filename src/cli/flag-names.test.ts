import { describe, expect, it } from 'vitest';
import { FLAG_NAMES, renderFlags } from './flag-names.js';

const image = FLAG_NAMES['rock-image'] ?? {};

describe('renderFlags', () => {
  it('writes the first occurrence of each named field as its flag', () => {
    expect(
      renderFlags(
        'modules: expected kernel too (modules belong to one kernel)',
        { field: 'modules', fields: ['kernel'] },
        image,
      ),
    ).toBe('--modules: expected --kernel too (modules belong to one kernel)');
    expect(renderFlags('mac: expected nodeConfig too', { field: 'mac', fields: ['nodeConfig'] }, image)).toBe(
      '--mac: expected --node-config too',
    );
  });

  it('leaves paths, dotted names, other options and unnamed fields alone', () => {
    expect(renderFlags('/x/mac-1: network.mac: bad; mac', { field: 'mac' }, image)).toBe(
      '/x/mac-1: network.mac: bad; --mac',
    );
    expect(renderFlags('modules: nothing', {}, image)).toBe('modules: nothing');
    expect(renderFlags('unknown: x', { field: 'unknown' }, image)).toBe('unknown: x');
  });
});
