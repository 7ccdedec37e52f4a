// Injected into each CommonJS bundle by build.mjs: what `import.meta.url` becomes there (the bundle's own file URL).
export const importMetaUrl = require('node:url').pathToFileURL(__filename).href;
