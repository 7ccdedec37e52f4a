// `npm run serve`: the build check (build.mjs, which builds only what changed), then `litecnn serve`
// in this same process, which package.json starts with the bin's node flags: one Node start (about
// 0.1 s) fewer than running the bin after the check. Arguments after `--` go to `litecnn serve`.
await import('./build.mjs');
process.argv.splice(2, 0, 'serve');
await import(new URL('../dist/app/litecnn.js', import.meta.url).href);
