// Headers that describe one HTTP connection, not the message (RFC 9110 §7.6.1): a proxy drops
// them, and those the Connection header names, before relaying. The API server's proxy
// subresources and the ingress share this list.
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
