export * from './errors/eve-error.js';
export * from './format/crc32.js';
export * from './format/model-spec.js';
export * from './protocol/cobs.js';
export * from './protocol/frame.js';
export * from './protocol/messages.js';
export * from './virtual/power.js';
