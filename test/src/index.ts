export * from './run-cli.js';
export * from './system-tools.js';
export * from './services/child.js';
export * from './services/free-port.js';
export * from './services/mosquitto.js';
export * from './services/influxd.js';
