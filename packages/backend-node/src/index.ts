export { nodeBackendPlugin, createNodeBackendPlugin } from './node-backend-plugin.js';
export {
  createLibtensorflowBackendPlugin,
  type LibtensorflowBinding,
  type LibtensorflowEnvironment,
  type LibtensorflowPackageName,
} from './libtensorflow-backend-plugin.js';
