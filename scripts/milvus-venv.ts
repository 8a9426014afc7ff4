// Installs Milvus Lite into .cache/milvus-venv (a Python venv, pinned versions) for the tests
// and benchmarks. The test harness does the same on first use; CI runs it up front so an
// install problem is reported on its own, before any test.
import { ensureMilvusLite, MILVUS_VENV } from '../test/helpers/milvus-lite.ts';

const bin = await ensureMilvusLite();
console.log(`Milvus Lite ready in ${MILVUS_VENV} (${bin})`);
