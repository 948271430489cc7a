import * as tf from '@tensorflow/tfjs-core';
import type { ActiveBackend, BackendAvailability, BackendPlugin } from '@procrustes/core';

/** Where the plugin looks for WebGL; replaceable so its decisions can be tested without a browser. */
export interface WebglEnvironment {
  /** A WebGL2 (or WebGL 1) context on a fresh canvas, or undefined where the runtime has none. */
  createContext(): { version: 1 | 2; renderer: string } | undefined;
}

function canvas(): HTMLCanvasElement | OffscreenCanvas | undefined {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(1, 1);
  if (typeof document !== 'undefined') return document.createElement('canvas');
  return undefined;
}

const defaultEnvironment: WebglEnvironment = {
  createContext() {
    const surface = canvas();
    if (surface === undefined) return undefined;
    const context = (surface.getContext('webgl2') ?? surface.getContext('webgl')) as WebGLRenderingContext | WebGL2RenderingContext | null;
    if (context === null) return undefined;
    const version = typeof WebGL2RenderingContext !== 'undefined' && context instanceof WebGL2RenderingContext ? 2 : 1;
    // The unmasked renderer names the real device (or SwiftShader, a software rasteriser).
    const debug = context.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(context.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : context.RENDERER));
    context.getExtension('WEBGL_lose_context')?.loseContext();
    return { version, renderer };
  },
};

/** Whether a renderer string names a software rasteriser rather than a GPU. */
export function isSoftwareRenderer(renderer: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software|microsoft basic render/i.test(renderer);
}

/** Creates the WebGL backend plugin; `webglBackendPlugin` is the one that looks at the real runtime. */
export function createWebglBackendPlugin(environment: Partial<WebglEnvironment> = {}): BackendPlugin {
  const env: WebglEnvironment = { ...defaultEnvironment, ...environment };
  return {
    name: 'webgl',
    description: 'TensorFlow.js WebGL backend: training on the GPU in browsers (float32 textures)',
    async checkAvailability(): Promise<BackendAvailability> {
      const context = env.createContext();
      if (context === undefined) {
        return {
          available: false,
          reason: 'this runtime has no WebGL (it needs a browser, or a worker with OffscreenCanvas, with WebGL enabled)',
          fix: 'use the wasm backend here; in a browser, enable hardware acceleration',
        };
      }
      try {
        await import('@tensorflow/tfjs-backend-webgl');
      } catch (error) {
        return {
          available: false,
          reason: `@tensorflow/tfjs-backend-webgl cannot be loaded: ${(error as Error).message}`,
          fix: 'npm install @tensorflow/tfjs-backend-webgl@4.22.0',
        };
      }
      return { available: true, reason: `WebGL ${context.version}: ${context.renderer}${isSoftwareRenderer(context.renderer) ? ' (software rendering: correct, not fast)' : ''}` };
    },
    async activate(): Promise<ActiveBackend> {
      const context = env.createContext();
      if (context === undefined) throw new Error('WebGL is not available in this runtime: use the wasm backend');
      await import('@tensorflow/tfjs-backend-webgl');
      if (!(await tf.setBackend('webgl'))) throw new Error('the WebGL backend failed to initialise (see the messages above)');
      await tf.ready();
      // Training needs float32 textures; tfjs falls back to float16 without them, too coarse for gradients.
      if (!tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED')) {
        throw new Error(`this WebGL (${context.renderer}) cannot render to float32 textures, which training needs: use the wasm backend`);
      }
      const software = isSoftwareRenderer(context.renderer);
      return {
        plugin: 'webgl',
        tfjsBackend: 'webgl',
        device: `${software ? 'CPU, software WebGL' : 'GPU, WebGL'} ${context.version} (${context.renderer})`,
        usingGpu: !software,
      };
    },
  };
}

/** The plugin for the real runtime. */
export const webglBackendPlugin: BackendPlugin = { ...createWebglBackendPlugin(), module: { url: import.meta.url, exportName: 'webglBackendPlugin' } };
