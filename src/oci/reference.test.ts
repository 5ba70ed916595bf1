import { describe, expect, it } from 'vitest';
import { formatReference, parseReference } from './reference.js';

describe('parseReference', () => {
  it('parses host:port, nested repository, tag and digest; http only on loopback', () => {
    expect(parseReference('oci://127.0.0.1:5000/rock/busybox:1.36')).toEqual({
      host: '127.0.0.1:5000',
      repository: 'rock/busybox',
      tag: '1.36',
      scheme: 'http',
    });
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseReference(`oci://registry.example/rock/init@${digest}`)).toEqual({
      host: 'registry.example',
      repository: 'rock/init',
      digest,
      scheme: 'https',
    });
    expect(parseReference('oci://localhost/a').scheme).toBe('http');
    expect(parseReference('oci://[::1]:5000/a').scheme).toBe('http');
    expect(parseReference('oci://10.0.0.1/a', { insecure: true }).scheme).toBe('http');
    expect(parseReference('oci://10.0.0.1/a').scheme).toBe('https');
  });

  it.each([
    ['https://h/a', 'scheme'],
    ['oci://h', 'repository'],
    ['oci://h/UPPER', 'repository'],
    ['oci://h/a/../b', 'repository'],
    ['oci://h/a:-bad', 'tag'],
    ['oci://h/a@sha256:abc', 'digest'],
    ['oci://h_x/a', 'host'],
  ])('refuses %s, naming the %s', (text, part) => {
    expect(() => parseReference(text)).toThrow(
      expect.objectContaining({ code: 'OCI_BAD_REFERENCE', data: { reference: text, part } }),
    );
  });

  it('requires a tag or digest when asked', () => {
    expect(() => parseReference('oci://h/a', { requireTarget: true })).toThrow(
      'oci://h/a: tag: expected :TAG or @sha256:HEX',
    );
  });

  it('formats back', () => {
    expect(formatReference(parseReference('oci://127.0.0.1:5000/rock/busybox:1.36'))).toBe(
      'oci://127.0.0.1:5000/rock/busybox:1.36',
    );
  });
});
