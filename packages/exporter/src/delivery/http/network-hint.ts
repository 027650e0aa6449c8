/** Node's codes for a server certificate that does not chain to a trusted CA. */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

/** What to do about a TLS certificate failure, as a sentence to append; '' for any other error code. */
export function certificateHint(code: string): string {
  if (UNTRUSTED.has(code)) {
    return (
      ". The server's certificate is not signed by a CA trusted here: give that CA with the ca option or " +
      'LANGFUSE_CA_FILE (or NODE_EXTRA_CA_CERTS); for a local self-signed setup only, insecureSkipTlsVerify: true'
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return ". The server's certificate is for another host name: check LANGFUSE_BASE_URL";
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return ". The server's certificate is outside its validity dates (or this machine's clock is wrong)";
  return '';
}
