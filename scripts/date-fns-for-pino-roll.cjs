// What pino-roll takes from date-fns, from date-fns's per-function modules: its require('date-fns')
// would bundle and load all of date-fns (build.mjs points that require here).
exports.format = require('date-fns/format').format;
exports.addDays = require('date-fns/addDays').addDays;
exports.addHours = require('date-fns/addHours').addHours;
exports.parse = require('date-fns/parse').parse;
exports.isValid = require('date-fns/isValid').isValid;
