/** The web bridge's public surface: adapters (the CLI's `daemon --ui`) import from here only. */
export { startWebBridge, type WebBridgeHandle, type WebBridgeOptions } from './web-bridge.js';
