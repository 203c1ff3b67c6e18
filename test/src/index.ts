export * from './run-cli.js';
export * from './system-tools.js';
export * from './conv-spec.js';
