import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

export type AddressOf = (req: IncomingMessage) => string;

/**
 * The client address the same way express computes req.ip, so HTTP and socket limits agree:
 * X-Forwarded-For is read only through the proxies TRUST_PROXY names.
 */
export function clientAddress(trustProxy: boolean | number | string): AddressOf {
  const trust = toTrustFn(trustProxy);
  return (req) => proxyaddr(req, trust);
}

/**
 * Whether a TCP peer is a proxy TRUST_PROXY trusts: its connections carry many people, so
 * limits per address apply to the address it forwards, not to it.
 */
export function trustedProxy(trustProxy: boolean | number | string): (address: string) => boolean {
  const trust = toTrustFn(trustProxy);
  return (address) => trust(address, 0);
}

function toTrustFn(setting: boolean | number | string): (addr: string, i: number) => boolean {
  if (setting === true) return () => true;
  if (setting === false) return () => false;
  if (typeof setting === 'number') return (_addr, i) => i < setting;
  return proxyaddr.compile(setting.split(',').map((s) => s.trim()));
}
