/** Node's codes for a server certificate that does not chain to a trusted CA. */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

/** hpagent's words for a CONNECT the proxy refused. */
const REFUSED_TUNNEL = /^Bad response: (\d{3})$/;

/** What to do about a failure to reach the server (a certificate, a proxy), as a sentence to append; '' when nothing useful. */
export function networkHint(code: string, message: string): string {
  const tunnel = REFUSED_TUNNEL.exec(message);
  if (tunnel) {
    return tunnel[1] === '407'
      ? '. The HTTP proxy wants credentials: give them in the proxy URL (http://user:password@host:port)'
      : `. The HTTP proxy refused to open a tunnel to the server (${tunnel[1]}): check the proxy's rules for this host`;
  }
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
