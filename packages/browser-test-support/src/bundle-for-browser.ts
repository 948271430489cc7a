import { build } from 'esbuild';

/** One ES module for the browser with everything `entry` imports (tfjs included), as text. */
export async function bundleForBrowser(entry: string): Promise<string> {
  const bundle = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
  return bundle.outputFiles[0]!.text;
}
