export { CONTRACT_FILE, loadContract, type ContractValidator } from './contract.js';
export { startTestReceiver, type TestReceiver } from './test-receiver.js';
export { captureDiag, type CapturedDiag } from './capture-diag.js';
export { resetOtelGlobals } from './otel-globals.js';
export { exporterFor, exportSpans, makeSpans, remoteParent, succeeded } from './exporter-spans.js';
export { ensureTracingBuilt } from './ensure-built.js';
