/**
 * Module resolve hooks (see useFakeElectronModule) that send `import 'electron'` to the fake
 * module: the real package only tells where the Electron binary is, and throws without one.
 */
const FAKE_ELECTRON_MODULE = new URL('./electron-module.js', import.meta.url).href;

type NextResolve = (specifier: string, context: unknown) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: unknown, nextResolve: NextResolve): Promise<{ url: string; shortCircuit?: boolean }> {
  if (specifier === 'electron') return { url: FAKE_ELECTRON_MODULE, shortCircuit: true };
  return nextResolve(specifier, context);
}
