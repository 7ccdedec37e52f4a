// What pino-roll takes from date-fns, each from its own module and only when first called: its
// require('date-fns') would bundle and load all of date-fns (build.mjs points that require here),
// and a size-rotated log (log-files.ts) calls none of them.
const lazily = (load) => {
  let fn;
  return (...args) => (fn ??= load())(...args);
};
exports.format = lazily(() => require('date-fns/format').format);
exports.addDays = lazily(() => require('date-fns/addDays').addDays);
exports.addHours = lazily(() => require('date-fns/addHours').addHours);
exports.parse = lazily(() => require('date-fns/parse').parse);
exports.isValid = lazily(() => require('date-fns/isValid').isValid);
