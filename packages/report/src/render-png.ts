import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';

const require = createRequire(import.meta.url);

/**
 * The font every PNG is drawn with: Arimo (regular and bold, the only weights the charts use),
 * shipped as a dependency. Why not the system's fonts: resvg then takes whatever the machine has,
 * so the same summaries drew different figures on two machines, and where no Arial-wide sans-serif
 * was installed the labels came out in a wider serif that ran into each other (ECharts lays text out
 * for Arial's widths; Arimo has the same metrics).
 */
export const FIGURE_FONT_FILES = ['@expo-google-fonts/arimo/400Regular/Arimo_400Regular.ttf', '@expo-google-fonts/arimo/700Bold/Arimo_700Bold.ttf'].map((file) =>
  require.resolve(file),
);

// Every family a figure may name falls back to Arimo, never to a system font.
const FIGURE_FONT = { loadSystemFonts: false, fontFiles: FIGURE_FONT_FILES, defaultFontFamily: 'Arimo', sansSerifFamily: 'Arimo', serifFamily: 'Arimo', monospaceFamily: 'Arimo' };

/** The PNG of a figure's SVG at `width` px on white, with the bundled font only, the same on every machine. */
export function renderPng(svg: string, width = 1800): Buffer {
  return new Resvg(svg, { fitTo: { mode: 'width', value: width }, background: '#ffffff', font: FIGURE_FONT }).render().asPng();
}
