export * from './config-schema.js';
export * from './registry-schema.js';
export * from './report-schema.js';
export * from './status-schema.js';
export * from './daemon-schema.js';
export * from './ui-model.js';
export * from './ui-contract.js';
export * from './alert-id.js';
