import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError } from '../../errors.ts';

/**
 * The dynamic module ingress-nginx's template needs from outside nginx's core:
 * headers-more (`more_set_headers`, rootfs/etc/nginx/template/nginx.tmpl, the CORS
 * block and custom headers). Debian ships it as libnginx-mod-http-headers-more-filter.
 */
export const headersMorePackage = 'libnginx-mod-http-headers-more-filter';

/** Where Debian's nginx keeps dynamic modules; MESHGATE_NGINX_MODULES_DIR overrides it. */
const modulesDir = process.env.MESHGATE_NGINX_MODULES_DIR ?? '/usr/lib/nginx/modules';

/** The headers-more module file to `load_module`, or an error that names the package to install. */
export function headersMoreModule(): string {
  const file = join(modulesDir, 'ngx_http_headers_more_filter_module.so');
  if (!existsSync(file)) {
    throw new EnvironmentError(
      `nginx module headers-more not found at ${file}: the local gateway renders ingress-nginx's more_set_headers. ` +
        `Install it with \`apt-get install -y ${headersMorePackage}\` (scripts/setup.sh does), or set MESHGATE_NGINX_MODULES_DIR.`,
    );
  }
  return file;
}
