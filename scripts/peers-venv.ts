// Installs the peer GitHub clients (Airbyte's source-github, MeltanoLabs' tap-github; pinned
// versions from PyPI) into .cache/peers-venv for the conformance test and bench:peers. The test
// harness does the same on first use; CI runs it up front so an install problem is reported on
// its own, before any test.
import { ensurePeers, PEER_REQUIREMENTS, PEERS_VENV } from '../test/helpers/peers.ts';

const t0 = performance.now();
const spent = await ensurePeers();
const what = Object.values(PEER_REQUIREMENTS).flat().join(', ');
const installedNow = Object.entries(spent).filter(([, s]) => s > 0).map(([p, s]) => `${p} ${s.toFixed(0)} s`);
console.log(`Peers ready in ${PEERS_VENV} (${what}); ${installedNow.length ? `installed: ${installedNow.join(', ')}` : 'already installed'}; ${((performance.now() - t0) / 1000).toFixed(0)} s`);
