import { z } from 'zod';

/**
 * Kubernetes name formats (k8s.io/apimachinery validation), as zod strings whose
 * messages name the rule, so a validation error says which format a name broke.
 */

const labelPart = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const subdomainPattern = `${labelPart}(\\.${labelPart})*`;

/** RFC 1123 label: Namespace names, at most 63 characters. */
export const dns1123Label = z
  .string()
  .max(63, 'a DNS-1123 label has at most 63 characters')
  .regex(new RegExp(`^${labelPart}$`), 'not a DNS-1123 label (lowercase a-z, 0-9 and -, starting and ending alphanumeric)');

/** RFC 1035 label: Service names, which must start with a letter. */
export const dns1035Label = z
  .string()
  .max(63, 'a DNS-1035 label has at most 63 characters')
  .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'not a DNS-1035 label (lowercase a-z, 0-9 and -, starting with a letter)');

/** RFC 1123 subdomain: names of most objects (Deployment, Secret, Ingress, Istio resources), at most 253 characters. */
export const dns1123Subdomain = z
  .string()
  .max(253, 'a DNS-1123 subdomain has at most 253 characters')
  .regex(new RegExp(`^${subdomainPattern}$`), 'not a DNS-1123 subdomain (lowercase labels joined by dots)');

/** An Ingress rule or TLS host: a DNS-1123 subdomain, optionally `*.`-prefixed (Kubernetes refuses IP addresses). */
export const ingressHost = z
  .string()
  .max(253)
  .regex(new RegExp(`^(\\*\\.)?${subdomainPattern}$`), 'not a valid Ingress host (a DNS name, optionally *.-prefixed)')
  .refine((host) => !/^[0-9.]+$/.test(host), 'an Ingress host may not be an IP address');

/** An Istio Gateway server host: `[namespace/]dnsName`, where the name may be `*` or `*.`-prefixed. */
export const gatewayHost = z
  .string()
  .regex(
    new RegExp(`^((${labelPart}|\\*|\\.)/)?(\\*|(\\*\\.)?${subdomainPattern})$`),
    'not a Gateway host ([namespace/]host, host a DNS name or *-prefixed)',
  );

/** IANA service name: named container and Service ports (at most 15 characters, one letter at least). */
export const portName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/, 'not a port name (IANA service name: 1-15 of a-z, 0-9, -)')
  .refine((name) => /[a-z]/.test(name) && !name.includes('--'), 'a port name needs a letter and no "--"');

/** A TCP port number. */
export const portNumber = z.number().int().min(1).max(65535);

const labelValuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const labelNamePattern = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** A label key: `[prefix/]name`, prefix a DNS subdomain, name at most 63 characters. */
export const labelKey = z.string().refine((key) => {
  const slash = key.lastIndexOf('/');
  const name = key.slice(slash + 1);
  const prefix = slash < 0 ? null : key.slice(0, slash);
  const prefixValid = prefix === null || (prefix.length <= 253 && new RegExp(`^${subdomainPattern}$`).test(prefix));
  return prefixValid && name.length <= 63 && labelNamePattern.test(name);
}, 'not a label key ([DNS-subdomain/]name, name at most 63 of A-Z a-z 0-9 - _ .)');

/** A label value: empty or at most 63 characters, alphanumeric at both ends. */
export const labelValue = z
  .string()
  .max(63, 'a label value has at most 63 characters')
  .regex(labelValuePattern, 'not a label value (A-Z a-z 0-9 - _ ., alphanumeric at both ends)');

/** Labels as Kubernetes accepts them. */
export const labels = z.record(labelKey, labelValue);

/** The Lease that keeps two runs of one scenario apart: `meshgate-run-<scenario name as a DNS label>`. */
export function runLeaseName(scenarioName: string): string {
  const slug = scenarioName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'scenario';
  return `meshgate-run-${slug}`.slice(0, 63).replace(/-+$/, '');
}
