/** Small helpers for IP addresses as Node reports them. */
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

/** `::ffff:1.2.3.4` → `1.2.3.4` (dual-stack sockets report IPv4 peers mapped). */
export function unmapAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** 4 or 6 for an IP literal, 0 otherwise (brackets allowed). */
export function ipFamily(host: string): 0 | 4 | 6 {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return isIP(h) as 0 | 4 | 6;
}

/** Whether `address` is an IPv4 or IPv6 loopback literal. */
export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address === 'localhost';
}

/** Whether `host` is a wildcard bind address. */
export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '*' || host === '';
}

/**
 * Address to advertise for a wildcard bind: the first non-internal interface
 * address of the family, else loopback (a machine with no network).
 */
export function primaryAddress(family: 4 | 6): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const ni of list ?? []) {
      if (ni.internal) continue;
      if (family === 4 && ni.family === 'IPv4') return ni.address;
      if (family === 6 && ni.family === 'IPv6' && !ni.address.startsWith('fe80')) return ni.address;
    }
  }
  return family === 4 ? '127.0.0.1' : '::1';
}

/** Pool key of a remote endpoint. */
export function endpointKey(address: string, port: number): string {
  return `${address}|${port}`;
}
