#!/usr/bin/env bash
# Sets up meshgate on a Debian/Ubuntu machine: nginx (the local gateway), wrk,
# hey and h2load (benchmarks only) from the system packages, then the npm dependencies.
# Installs system packages only when it can (root, or sudo without a password)
# and says plainly what it could not do.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }

node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'
}
if ! node_ok; then
  say "Node.js 20.19 or newer is required (found: $(node --version 2>/dev/null || echo none)); install it first."
  exit 2
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root=(sudo); else as_root=(); fi
fi

wanted=()
command -v nginx >/dev/null 2>&1 || wanted+=(nginx-light)
command -v wrk >/dev/null 2>&1 || wanted+=(wrk)
command -v hey >/dev/null 2>&1 || wanted+=(hey)
command -v h2load >/dev/null 2>&1 || wanted+=(nghttp2-client)
# ingress-nginx's template sets headers with more_set_headers: the local gateway loads Debian's headers-more module.
[ -e /usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so ] || wanted+=(libnginx-mod-http-headers-more-filter)
if [ ${#wanted[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] || [ ${#as_root[@]} -gt 0 ]; then
    say "installing ${wanted[*]} from the system packages"
    "${as_root[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
  else
    say "cannot install ${wanted[*]} without root; run: sudo apt-get install ${wanted[*]}"
  fi
fi
if ! command -v nginx >/dev/null 2>&1; then
  say "nginx is still missing: the local environment cannot start (meshgate doctor says more)."
  exit 2
fi

say "installing npm dependencies (npm ci)"
npm ci --no-audit --no-fund --loglevel=error
say "done: $(nginx -v 2>&1), node $(node --version)"
