// Maintainer-only: regenerates admin_ui/vendor/ from the versions pinned in package.json / package-lock.json.
//   npm ci && node build.mjs ../vendor          (or run scripts/refresh-vendor from the repository root)
// Nothing at run or test time uses npm or this script; the output directory is committed.
import * as esbuild from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync, copyFileSync, rmSync, readdirSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import path from 'node:path';

const OUT = path.resolve(process.argv.slice(2).find((a) => !a.startsWith('--')) || 'dist');
const NM = path.resolve('node_modules');
const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));
const version = (name) => readJson(path.join(NM, name, 'package.json')).version;

// The output directory is wiped: refuse anything that does not look like a previous output.
if (existsSync(OUT) && readdirSync(OUT).length && !existsSync(path.join(OUT, 'MANIFEST.json'))) {
  console.error(`refusing to wipe ${OUT}: not empty and has no MANIFEST.json`);
  process.exit(2);
}
rmSync(OUT, { recursive: true, force: true });
for (const d of [ 'bpmn', 'rjsf', 'echarts' ]) mkdirSync(path.join(OUT, d), { recursive: true });

const BANNER = '/*! Bundled third-party code; versions: VERSIONS, licences: THIRD_PARTY_LICENSES.txt */';
const common = {
  bundle: true, minify: true, metafile: true, logLevel: 'warning',
  legalComments: 'none',                 // full licence texts go to THIRD_PARTY_LICENSES.txt instead
  banner: { js: BANNER, css: BANNER },
  target: [ 'es2020', 'chrome100', 'firefox100', 'safari15' ],
  define: {
    'process.env.NODE_ENV': '"production"',            // else React's development build could go in
    __RJSF_VERSION__: JSON.stringify(version('@rjsf/core')),
    __BPMN_JS_VERSION__: JSON.stringify(version('bpmn-js')),
    __PROPERTIES_PANEL_VERSION__: JSON.stringify(version('bpmn-js-properties-panel')),
  },
};
const BPMN_BANNER = '/*! bpmn-js ' + version('bpmn-js') + ' + bpmn-js-properties-panel ' + version('bpmn-js-properties-panel') +
  ' | bpmn-js: Copyright (c) 2014-present Camunda Services GmbH, licence bpmn/LICENSE-bpmn-js: the bpmn.io watermark' +
  ' must stay fully visible | other licences: THIRD_PARTY_LICENSES.txt */';

// package directory (node_modules/<name>, or a copy embedded in a package such as
// @bpmn-io/properties-panel/preact) -> set of output files it went into
const used = new Map();
const addUse = (dir, outfile) => { if (!used.has(dir)) used.set(dir, new Set()); used.get(dir).add(outfile); };
function packageDirOf(file) {
  let dir = path.dirname(path.resolve(file));
  while (dir.startsWith(NM + path.sep)) {
    const pj = path.join(dir, 'package.json');
    // a package root: package.json with name + version, directly under node_modules[/@scope] or shipping its own
    // licence (an embedded copy); sub-entry package.json files such as preact/hooks/ have neither
    const topLevel = /[\\/]node_modules[\\/](@[^\\/]+[\\/])?[^\\/]+$/.test(dir);
    if (existsSync(pj) && (topLevel || readdirSync(dir).some((f) => /^licen[cs]e/i.test(f)))) {
      const p = readJson(pj);
      if (p.name && p.version) return dir;
    }
    dir = path.dirname(dir);
  }
  return null;
}

const builds = [
  { entryPoints: [ 'src/rjsf-entry.js' ], format: 'iife', globalName: 'RJSF', outfile: 'rjsf/rjsf.min.js' },
  { entryPoints: [ 'src/bpmn-entry.js' ], format: 'iife', globalName: 'BpmnBundle', outfile: 'bpmn/bpmn-modeler-bundle.min.js',
    banner: { js: BPMN_BANNER } },
  // diagram-js + bpmn-js + embedded bpmn icon font + properties panel. The IE-only eot/svg font URLs stay
  // external: browsers use the inlined WOFF and never fetch them.
  { entryPoints: [ 'src/bpmn.css' ], outfile: 'bpmn/bpmn-modeler-bundle.min.css', external: [ '../font/*' ],
    banner: { css: BPMN_BANNER } },
];
for (const b of builds) {
  const res = await esbuild.build({ ...common, ...b, outfile: path.join(OUT, b.outfile) });
  for (const input of Object.keys(res.metafile.inputs)) {
    const dir = packageDirOf(input);
    if (dir) addUse(dir, b.outfile);
  }
}

// Files copied verbatim.
const copies = [
  [ 'echarts/dist/echarts.min.js', 'echarts/echarts.min.js' ],   // full build (prebuilt UMD, window.echarts)
  [ 'src/rjsf-lite.css', 'rjsf/rjsf-lite.css' ],
  [ 'bpmn-js/LICENSE', 'bpmn/LICENSE-bpmn-js' ],
  [ 'echarts/LICENSE', 'echarts/LICENSE' ],
  [ 'echarts/NOTICE', 'echarts/NOTICE' ],
];
for (const [ from, to ] of copies) {
  copyFileSync(from.startsWith('src/') ? from : path.join(NM, from), path.join(OUT, to));
}
addUse(path.join(NM, 'echarts'), 'echarts/echarts.min.js');
for (const name of [ 'zrender', 'tslib' ]) addUse(path.join(NM, name), 'echarts/echarts.min.js');   // compiled into echarts.min.js

// VERSIONS (plain table) and THIRD_PARTY_LICENSES.txt (full licence texts), one entry per bundled package.
const rows = [];
let third = 'Third-party software in this directory (generated by admin_ui/vendor-src/build.mjs; do not edit).\n';
const entries = [ ...used.entries() ].map(([ dir, outs ]) => ({ dir, outs, pkg: readJson(path.join(dir, 'package.json')) }))
  .sort((a, b) => a.pkg.name.localeCompare(b.pkg.name));
const seen = new Set();
for (const { dir, outs, pkg } of entries) {
  const key = pkg.name + '@' + pkg.version;   // identical embedded copies (preact in two places) are listed once
  if (seen.has(key)) continue;
  seen.add(key);
  let licence = pkg.license || (pkg.licenses && pkg.licenses.map((l) => l.type).join(' OR ')) || 'UNKNOWN';
  if (pkg.name === 'bpmn-js') licence = 'bpmn.io (MIT + watermark clause)';   // "SEE LICENSE IN LICENSE"
  rows.push([ pkg.name, pkg.version, licence, [ ...outs ].sort().join(' ') ]);
  const files = readdirSync(dir);
  const lic = files.find((f) => /^(licen[cs]e|copying)(\.|-|$)/i.test(f));
  const notice = files.find((f) => /^notice/i.test(f));
  third += `\n${'='.repeat(78)}\n${pkg.name}@${pkg.version}  (${licence})\n${'='.repeat(78)}\n`;
  third += lic ? readFileSync(path.join(dir, lic), 'utf8') : '(no licence file shipped in the package; licence per package.json: ' + licence + ')\n';
  if (notice) third += '\n' + readFileSync(path.join(dir, notice), 'utf8');
}
writeFileSync(path.join(OUT, 'THIRD_PARTY_LICENSES.txt'), third);
const header = [ 'package', 'version', 'licence', 'in' ];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]) : c)).join('  ').trimEnd();
writeFileSync(path.join(OUT, 'VERSIONS'), [
  '# Third-party packages in admin_ui/vendor/ (generated by admin_ui/vendor-src/build.mjs; do not edit).',
  '# Refresh: scripts/refresh-vendor. Licence texts: THIRD_PARTY_LICENSES.txt',
  line(header), ...rows.map(line), '',
].join('\n'));

// MANIFEST.json: size + sha256 of every file (tests/test_vendor_manifest.py recomputes them).
const files = {};
const walk = (d) => readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)).forEach((e) => {
  const p = path.join(d, e.name);
  if (e.isDirectory()) return walk(p);
  if (e.name === 'MANIFEST.json') return;
  const buf = readFileSync(p);
  files[path.relative(OUT, p).split(path.sep).join('/')] = {
    bytes: buf.length, gzip: gzipSync(buf, { level: 9 }).length, sha256: createHash('sha256').update(buf).digest('hex'),
  };
});
walk(OUT);
const pkg = readJson('package.json');
writeFileSync(path.join(OUT, 'MANIFEST.json'), JSON.stringify({
  generator: 'admin_ui/vendor-src/build.mjs', esbuild: esbuild.version, direct: pkg.dependencies, files,
}, null, 1) + '\n');
let total = 0;
for (const [ f, i ] of Object.entries(files)) {
  total += i.bytes;
  console.log(`${f.padEnd(40)} ${String(i.bytes).padStart(9)} B  gzip ${String(i.gzip).padStart(8)} B`);
}
console.log(`${'total (without MANIFEST.json)'.padEnd(40)} ${String(total).padStart(9)} B`);
