// `npm run setup`: installs the pinned Temporal binaries into .tools/ (idempotent).
import { installTemporalBinaries, locateTemporalBinary } from '../src/embedded/temporal-binaries';

installTemporalBinaries();
console.log(`temporal CLI: ${locateTemporalBinary('cli') ?? 'missing'}`);
console.log(`temporal test server: ${locateTemporalBinary('test-server') ?? 'missing'}`);
