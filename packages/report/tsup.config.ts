// The main entry is browser-safe; ./node holds reading run directories and writing figure files.
import { packageBuild } from '../../tsup.package.ts';

export default packageBuild(['src/index.ts', 'src/node.ts']);
