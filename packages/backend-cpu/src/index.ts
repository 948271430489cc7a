export { cpuBackendPlugin } from './cpu-backend-plugin.js';
