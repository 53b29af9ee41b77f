import { UsageError } from '../errors.ts';

/** `8080` -> 8080; anything but a TCP port (1-65535) is a usage error. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`not a TCP port: ${value} (expected 1-65535)`);
  return port;
}

/** `203.0.113.7` or `gw.example.test:8080:8443`: a gateway's address with its HTTP and HTTPS ports. */
export function parseGatewayEndpoint(value: string): { address: string; httpPort: number; httpsPort: number } {
  const [address = '', http, https, ...rest] = value.split(':');
  if (address === '' || rest.length > 0 || (http === undefined) !== (https === undefined)) {
    throw new UsageError(`not a gateway endpoint: ${value} (expected ADDRESS or ADDRESS:HTTP_PORT:HTTPS_PORT)`);
  }
  return { address, httpPort: http === undefined ? 80 : parsePort(http), httpsPort: https === undefined ? 443 : parsePort(https) };
}
