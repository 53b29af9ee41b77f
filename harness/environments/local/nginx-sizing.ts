import { readFileSync } from 'node:fs';

/**
 * The sizes ingress-nginx computes before it renders nginx.conf, so a config for
 * thousands of hosts loads: internal/ingress/controller/nginx.go, OnUpdate
 * (server_names_hash_* from the hosts, worker_rlimit_nofile from RLIMIT_NOFILE,
 * worker_connections from that), and config.go NewDefault for the floors.
 */
export interface NginxSizing {
  /** server_names_hash_bucket_size, bytes: a power of two that holds the longest host. */
  serverNamesHashBucketSize: number;
  /** server_names_hash_max_size, entries: at least the bytes of all host names, rounded up to a power of two. */
  serverNamesHashMaxSize: number;
  /** worker_rlimit_nofile: descriptors per worker. */
  workerRlimitNofile: number;
  /** worker_connections: config.go's max-worker-connections (16384), or three quarters of the descriptors when that is 0. */
  workerConnections: number;
}

/** config.go NewDefault MaxWorkerConnections (dbb11b92 line 816); nginx.go OnUpdate computes one only when it is 0. */
export const defaultMaxWorkerConnections = 16_384;

/** config.go NewDefault: ServerNameHashMaxSize 1024; ServerNameHashBucketSize is computed. */
const defaultServerNamesHashMaxSize = 1024;

/** nginx.go nextPowerOf2 (bit smearing, as there). */
export function nextPowerOf2(value: number): number {
  let v = value - 1;
  v |= v >> 1;
  v |= v >> 2;
  v |= v >> 4;
  v |= v >> 8;
  v |= v >> 16;
  return v + 1;
}

/** nginx.go nginxHashBucketSize: two words of overhead plus the name and 2 bytes, word-aligned (64-bit). */
export function nginxHashBucketSize(longestName: number): number {
  const wordSize = 8;
  const aligned = (longestName + 2 + wordSize - 1) & ~(wordSize - 1);
  return nextPowerOf2(wordSize + wordSize + aligned);
}

/**
 * The hard RLIMIT_NOFILE of this process (nginx inherits it), from /proc/self/limits:
 * util.go rlimitMaxNumFiles reads the same limit with getrlimit. 0 when unknown.
 */
export function hardOpenFilesLimit(limits = readProcLimits()): number {
  const line = limits.split('\n').find((candidate) => candidate.startsWith('Max open files'));
  const hard = line?.trim().split(/\s{2,}/)[2];
  if (hard === 'unlimited') return 1_048_576;
  return Number(hard) || 0;
}

function readProcLimits(): string {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return '';
  }
}

/**
 * The sizes for a config serving `hosts`, with `openFilesLimit` descriptors allowed per process
 * and ingress-nginx's `max-worker-connections` (0: three quarters of the descriptors, as a proxied request holds two).
 */
export function nginxSizing(hosts: readonly string[], openFilesLimit = hardOpenFilesLimit(), maxWorkerConnections = defaultMaxWorkerConnections): NginxSizing {
  const longest = Math.max(0, ...hosts.map((host) => host.length));
  const nameBytes = hosts.reduce((sum, host) => sum + host.length, 0);
  // nginx.go: the limit less 1024 for the master and libraries, never below 1024.
  const workerRlimitNofile = Math.max(1024, openFilesLimit - 1024);
  return {
    serverNamesHashBucketSize: nginxHashBucketSize(longest),
    serverNamesHashMaxSize: Math.max(defaultServerNamesHashMaxSize, nextPowerOf2(nameBytes)),
    workerRlimitNofile,
    workerConnections: maxWorkerConnections === 0 ? Math.floor((workerRlimitNofile * 3) / 4) : maxWorkerConnections,
  };
}
