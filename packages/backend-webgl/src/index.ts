export { webglBackendPlugin, createWebglBackendPlugin, isSoftwareRenderer, type WebglEnvironment } from './webgl-backend-plugin.js';
