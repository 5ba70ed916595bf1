/**
 * A path as an {@link FsView} over an in-memory tree keys it: absolute, no empty or `.` parts
 * (`usr//lib/.` is `/usr/lib`); `..` is left as it is (symlinks and `..` are the resolver's
 * business). The memory view, the verifier's tree view and the tracing of what the resolver
 * looked at all key paths by it.
 */
export function normalizeViewPath(p: string): string {
  // Most paths the resolver asks about are already in that form.
  if (p.startsWith('/') && !p.includes('//') && !p.includes('/./') && !p.endsWith('/.') && p !== '/') {
    return p.endsWith('/') ? p.slice(0, -1) : p;
  }
  const parts = p.split('/').filter((c) => c !== '' && c !== '.');
  return `/${parts.join('/')}`;
}
