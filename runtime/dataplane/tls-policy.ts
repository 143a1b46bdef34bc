/**
 * The TLS policy of HTTPS and TLS listeners: TLS 1.2 with forward-secret AEAD suites only (ECDHE key
 * exchange with AES-GCM or ChaCha20-Poly1305), and TLS 1.3 (whose suites all are). Static-RSA key exchange
 * and CBC suites (SHA-1 MACs) are not offered, as in Mozilla's "intermediate" configuration.
 */

/** TLS 1.2 suites (OpenSSL names), the server's order of preference, then the TLS 1.3 ones. */
const CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
].join(':');

/** Options of every listener's secure context (servers and `setSecureContext` alike). */
export const TLS_POLICY = { minVersion: 'TLSv1.2', ciphers: CIPHERS, honorCipherOrder: true } as const;
