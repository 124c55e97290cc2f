import { describe, expect, it } from 'vitest';
import { addressOf, portOf } from '../../../src/instrumentation/http/host-and-port.js';

describe('host and port', () => {
  it('splits host names, IPv4 and bracketed IPv6 literals', () => {
    expect([addressOf('example.com:8080'), portOf('example.com:8080', 80)]).toEqual(['example.com', 8080]);
    expect([addressOf('example.com'), portOf('example.com', 443)]).toEqual(['example.com', 443]);
    expect([addressOf('[::1]:3000'), portOf('[::1]:3000', 80)]).toEqual(['::1', 3000]);
    expect([addressOf('[::1]'), portOf('[::1]', 80)]).toEqual(['::1', 80]);
    expect(portOf('example.com:99999', 80)).toBe(80);
  });
});
