/**
 * Versions that cannot work, with why: kindnet enforces NetworkPolicy (the east-west
 * case) only from kind v0.24.0; `networking.istio.io/v1` needs Istio 1.22, and the
 * terminal guard's withoutHeaders treats a missing header as empty from 1.22 (istio/istio#49537).
 */
export const minimumVersions = {
  kind: { version: '0.24.0', why: 'kindnet enforces NetworkPolicy only from kind v0.24.0 (the east-west case needs it)' },
  istio: { version: '1.22.0', why: 'networking.istio.io/v1 and withoutHeaders matching a missing header (istio/istio#49537) need Istio 1.22' },
} as const;

/** `version` if it is at least `minimum` (numeric x.y.z, a leading v ignored); otherwise an error saying why it cannot work. */
export function requireAtLeast(version: string, minimum: { version: string; why: string }): string {
  const parts = (text: string) => (/(\d+)\.(\d+)(?:\.(\d+))?/.exec(text) ?? []).slice(1, 4).map((part) => Number(part ?? 0));
  const [have, want] = [parts(version), parts(minimum.version)];
  if (have.length === 0) throw new Error(`cannot read a version from ${JSON.stringify(version)}`);
  for (let i = 0; i < 3; i++) {
    if ((have[i] ?? 0) > (want[i] ?? 0)) return version;
    if ((have[i] ?? 0) < (want[i] ?? 0)) throw new Error(`${version} is older than ${minimum.version}: ${minimum.why}`);
  }
  return version;
}
