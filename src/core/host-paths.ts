/**
 * Public data under /etc that charts mount read-only from the node (time zone, OS release, CA
 * certificates): inside a sensitive directory, but no step to the node. Writing to them is another matter,
 * which the writable-host-path rule covers.
 */
export const PUBLIC_HOST_FILES: readonly string[] = ['/etc/localtime', '/etc/timezone', '/etc/os-release', '/etc/machine-id', '/etc/ssl/certs', '/etc/pki/tls/certs', '/etc/ca-certificates'];

/** Is the normalised host path one of the public files, or below one of the public directories? */
export function isPublicHostFile(path: string): boolean {
  return PUBLIC_HOST_FILES.some((d) => path === d || path.startsWith(`${d}/`));
}
