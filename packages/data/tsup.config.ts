// The main entry is browser-safe; ./node holds files, the cache and downloads.
import { packageBuild } from '../../tsup.package.ts';

export default packageBuild(['src/index.ts', 'src/node.ts']);
