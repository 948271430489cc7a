// Registers every gradient of tfjs-core with the process-global gradient registry.
// tfjs-core's Node entry registers none, and its own registration module cannot be imported
// by plain Node, so the build bundles it here (see tsup.config.ts).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
