import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kvmUsable, probeKvm } from './kvm.js';

describe('probeKvm', () => {
  it('says no, with a reason, when QEMU cannot be run', () => {
    const probe = probeKvm('/nonexistent/qemu-system-x86_64');
    expect(probe.usable).toBe(false);
    const expected = fs.existsSync('/dev/kvm')
      ? /\/nonexistent\/qemu-system-x86_64|\/dev\/kvm/
      : /^\/dev\/kvm does not exist$/;
    expect(probe.reason).toMatch(expected);
  });

  it('agrees with kvmUsable and caches its answer', () => {
    const probe = probeKvm();
    expect(kvmUsable()).toBe(probe.usable);
    expect(probeKvm()).toBe(probe);
    if (probe.usable)
      expect(probe.reason).toBe('/dev/kvm works with qemu-system-x86_64 -accel kvm -cpu host');
    else expect(probe.reason).toMatch(/\/dev\/kvm/);
  });
});
