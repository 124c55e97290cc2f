import { describe, expect, it } from 'vitest';
import { REDACTED, redactQuery, redactUrl } from '../../../src/instrumentation/http/redact.js';

describe('redactUrl', () => {
  it('removes userinfo, keeping the rest byte for byte', () => {
    expect(redactUrl('https://user:pass@example.com:8443/a/b?x=1#top')).toBe('https://example.com:8443/a/b?x=1#top');
    expect(redactUrl('http://token@example.com')).toBe('http://example.com');
    expect(redactUrl('http://a%40b:c@host/p')).toBe('http://host/p');
  });

  it('leaves an @ outside the authority alone', () => {
    expect(redactUrl('http://example.com/users/@me?mail=a@b.c')).toBe('http://example.com/users/@me?mail=a@b.c');
  });

  it('redacts the values of the signature parameters only', () => {
    expect(redactUrl('https://bucket.s3.amazonaws.com/k?AWSAccessKeyId=AKIA&Signature=s%2F1&Expires=9')).toBe(
      `https://bucket.s3.amazonaws.com/k?AWSAccessKeyId=${REDACTED}&Signature=${REDACTED}&Expires=9`,
    );
    expect(redactUrl('https://x.blob.core.windows.net/c?sv=1&sig=abc')).toBe(`https://x.blob.core.windows.net/c?sv=1&sig=${REDACTED}`);
    expect(redactUrl('https://storage.googleapis.com/o?X-Goog-Signature=ff#frag')).toBe(
      `https://storage.googleapis.com/o?X-Goog-Signature=${REDACTED}#frag`,
    );
  });

  it('matches parameter names exactly', () => {
    expect(redactUrl('http://h/p?xsig=1&signature=2&sig')).toBe('http://h/p?xsig=1&signature=2&sig');
  });

  it('returns the very same string when there is nothing to do', () => {
    const url = 'http://127.0.0.1:8080/path?page=2';
    expect(redactUrl(url)).toBe(url);
  });
});

describe('redactQuery', () => {
  it('works on a bare query', () => {
    expect(redactQuery('sig=1&a=2&sig=3')).toBe(`sig=${REDACTED}&a=2&sig=${REDACTED}`);
    expect(redactQuery('')).toBe('');
  });
});
