import { describe, expect, it } from 'vitest';
import { parseChallenge } from './challenge.js';

describe('parseChallenge', () => {
  it('reads a Bearer challenge with a comma inside a quoted scope', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:rock/a:pull,push"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: {
        realm: 'https://auth.example/token',
        service: 'registry.example',
        scope: 'repository:rock/a:pull,push',
      },
    });
  });

  it('reads Basic, unquoted values and escapes', () => {
    expect(parseChallenge('Basic realm="a \\"b\\""')).toEqual({
      scheme: 'basic',
      params: { realm: 'a "b"' },
    });
    expect(parseChallenge('Bearer realm=x , service=y')).toEqual({
      scheme: 'bearer',
      params: { realm: 'x', service: 'y' },
    });
  });

  it('returns undefined without a header', () => {
    expect(parseChallenge(null)).toBeUndefined();
    expect(parseChallenge('')).toBeUndefined();
  });
});
