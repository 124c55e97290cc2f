import { describe, expect, it } from 'vitest';
import { earlyRequestAttributes } from '../../../../../src/platform/node/instrumentation/http/early-request-attributes.js';

describe('earlyRequestAttributes', () => {
  it('reads an options object the way http.request does', () => {
    expect(earlyRequestAttributes([{ host: 'api.example', port: 8080, path: '/v1/items?q=1' }], 0, 'http:')).toEqual({
      'url.full': 'http://api.example:8080/v1/items?q=1',
      'server.address': 'api.example',
      'server.port': 8080,
    });
    expect(earlyRequestAttributes([{ hostname: 'secure.example', host: 'ignored.example' }], 0, 'https:')).toEqual({
      'url.full': 'https://secure.example/',
      'server.address': 'secure.example',
      'server.port': 443,
    });
    expect(earlyRequestAttributes([{ protocol: 'http:', path: '/x' }], 0, 'https:')).toMatchObject({
      'url.full': 'http://localhost/x',
      'server.port': 80,
    });
    expect(earlyRequestAttributes([{ host: '::1', port: '9000' }], 0, 'http:')).toMatchObject({
      'url.full': 'http://[::1]:9000/',
      'server.address': '::1',
    });
  });

  it('combines a URL with the options that follow it, the options winning', () => {
    expect(earlyRequestAttributes(['https://shop.example:8443/cart?id=7', { headers: [] }], 1, 'http:')).toEqual({
      'url.full': 'https://shop.example:8443/cart?id=7',
      'server.address': 'shop.example',
      'server.port': 8443,
    });
    expect(earlyRequestAttributes([new URL('http://a.example/p'), { path: '/q', port: 81 }], 1, 'http:')).toMatchObject({
      'url.full': 'http://a.example:81/q',
      'server.port': 81,
    });
  });

  it('redacts credentials and sensitive query values as url.full always is', () => {
    const full = String(earlyRequestAttributes(['http://user:secret@a.example/p?sig=abc', {}], 1, 'http:')?.['url.full']);
    expect(full).not.toContain('secret');
    expect(full).not.toContain('sig=abc');
  });

  it('gives nothing it cannot tell, and never throws', () => {
    expect(earlyRequestAttributes(['not a url', {}], 1, 'http:')).toBeUndefined();
    expect(earlyRequestAttributes([undefined, {}], 1, 'http:')).toBeUndefined();
    expect(earlyRequestAttributes([null], 0, 'http:')).toBeUndefined();
  });
});
