// Where the package's own files (build/*.wasm, shaders/*.wgsl, dist/report/*) are, for every
// module that loads one. Resolved from this file's URL, which is two folders below the package
// root wherever the code runs: src/platform/ (tsx, vitest), dist/platform/ (tsc) and the page
// bundles in dist/report/ (esbuild inlines this module, and import.meta.url becomes the
// bundle's). A module that resolved '../../build/…' from its own location instead would break
// as soon as a bundler moved it to another depth.

/**
 * The URL of a file of the installed package.
 *
 * @param path the file's path from the package root, e.g. 'build/train.wasm'
 * @throws {TypeError} when path is absolute or climbs out of the package
 * @example packageFile('shaders/common.wgsl').href // 'file:///…/paretonas/shaders/common.wgsl'
 */
export function packageFile(path: string): URL {
  if (typeof path !== 'string' || path === '' || path.startsWith('/') || path.split('/').includes('..')) {
    throw new TypeError(`packageFile: path must be relative to the package root, without '..' (got ${JSON.stringify(path)})`);
  }
  return new URL(`../../${path}`, import.meta.url);
}
