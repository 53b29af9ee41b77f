/**
 * The Pod Security Standards' "restricted" profile, which includes "baseline", as
 * code: each control of kubernetes.io/docs/concepts/security/pod-security-standards/
 * (tables "Baseline" and "Restricted"; the fields and allowed values as the page lists
 * them), applied to a pod spec. Returns the violations, each naming its control.
 * Plus what meshgate asks of its own pods beyond the standard: a read-only root
 * filesystem and requests and limits on every container.
 */
type Loose = Record<string, any>;

const baselineCapabilities = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const restrictedVolumes = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const safeSysctls = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);

export function restrictedViolations(pod: Loose): string[] {
  const containers: Loose[] = [...(pod.containers ?? []), ...(pod.initContainers ?? []), ...(pod.ephemeralContainers ?? [])];
  const podContext: Loose = pod.securityContext ?? {};
  const violations: string[] = [];
  const fail = (control: string, detail: string) => violations.push(`${control}: ${detail}`);
  // Baseline.
  if (podContext.windowsOptions?.hostProcess || containers.some((c) => c.securityContext?.windowsOptions?.hostProcess)) fail('HostProcess', 'hostProcess set');
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) if (pod[field]) fail('Host Namespaces', `${field} true`);
  for (const c of containers) {
    const context: Loose = c.securityContext ?? {};
    if (context.privileged) fail('Privileged Containers', `${c.name} privileged`);
    for (const cap of context.capabilities?.add ?? []) if (!baselineCapabilities.has(cap)) fail('Capabilities (baseline)', `${c.name} adds ${cap}`);
    for (const port of c.ports ?? []) if (port.hostPort) fail('Host Ports', `${c.name} hostPort ${port.hostPort}`);
    if (context.procMount !== undefined && context.procMount !== 'Default') fail('/proc Mount Type', `${c.name} ${context.procMount}`);
    // Restricted.
    if (context.allowPrivilegeEscalation !== false) fail('Privilege Escalation', `${c.name} allowPrivilegeEscalation is not false`);
    const nonRoot = context.runAsNonRoot ?? podContext.runAsNonRoot;
    if (nonRoot !== true) fail('Running as Non-root', `${c.name} runAsNonRoot is not true`);
    if ((context.runAsUser ?? podContext.runAsUser) === 0) fail('Running as Non-root user', `${c.name} runAsUser 0`);
    const seccomp = context.seccompProfile?.type ?? podContext.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') fail('Seccomp', `${c.name} seccompProfile.type ${seccomp ?? 'unset'}`);
    if (!(context.capabilities?.drop ?? []).includes('ALL')) fail('Capabilities', `${c.name} does not drop ALL`);
    for (const cap of context.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') fail('Capabilities', `${c.name} adds ${cap}`);
    // meshgate's own rules.
    if (context.readOnlyRootFilesystem !== true) fail('meshgate: read-only root filesystem', `${c.name}`);
    for (const kind of ['requests', 'limits']) for (const resource of ['cpu', 'memory']) if (!c.resources?.[kind]?.[resource]) fail('meshgate: requests and limits', `${c.name} has no ${kind}.${resource}`);
  }
  for (const volume of pod.volumes ?? []) {
    const type = Object.keys(volume).find((key) => key !== 'name');
    if (type === 'hostPath') fail('HostPath Volumes', volume.name);
    if (!restrictedVolumes.has(type ?? '')) fail('Volume Types', `${volume.name} is ${type}`);
  }
  const appArmor = [podContext.appArmorProfile?.type, ...containers.map((c) => c.securityContext?.appArmorProfile?.type)];
  if (appArmor.some((type) => type !== undefined && type !== 'RuntimeDefault' && type !== 'Localhost')) fail('AppArmor', 'profile type not RuntimeDefault or Localhost');
  const seLinux = [podContext.seLinuxOptions, ...containers.map((c) => c.securityContext?.seLinuxOptions)].filter(Boolean) as Loose[];
  if (seLinux.some((o) => (o.type && !['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'].includes(o.type)) || o.user || o.role)) fail('SELinux', 'type, user or role set');
  for (const sysctl of podContext.sysctls ?? []) if (!safeSysctls.has(sysctl.name)) fail('Sysctls', sysctl.name);
  return violations;
}
