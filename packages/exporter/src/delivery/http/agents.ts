import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { HttpsProxyAgent, type ProxyAgentRequestOptions } from 'hpagent';
import { DIRECT_NETWORK, type NetworkConfig } from '../../config/network-config.js';
import { ForwardProxyAgent } from './forward-proxy-agent.js';
import { proxyFor } from './proxy-for-url.js';

/** The agents got picks from by the URL's protocol; each keeps its sockets alive, at most `maxSockets` at once. */
export interface HttpAgents {
  http: http.Agent;
  https: https.Agent;
}

/** Node >= 22.15 can list the CAs it trusts by default, NODE_EXTRA_CA_CERTS and --use-system-ca included. */
type CaLister = (kind: 'default') => string[];

/** What Node trusts by default plus `extra`: a given CA adds to the trusted ones, as NODE_EXTRA_CA_CERTS does. */
function trustedCas(extra: readonly (string | Buffer)[]): (string | Buffer)[] {
  const list = (tls as unknown as { getCACertificates?: CaLister }).getCACertificates;
  return [...(list ? list('default') : tls.rootCertificates), ...extra];
}

/**
 * The agents for requests to `target`: through the proxy the network config chooses for it (absolute-URI requests
 * for http, a CONNECT tunnel for https), else direct; with the extra CAs and certificate checking configured.
 * Anything else sending to Langfuse (media uploads) must take its agents from here too.
 */
export function createAgents(target: URL, network: NetworkConfig = DIRECT_NETWORK, maxSockets = 4): HttpAgents {
  const pool = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets };
  const tlsOptions: tls.ConnectionOptions = {
    // One context for every connection: parsing the whole CA list per handshake would cost milliseconds each.
    ...(network.ca ? { secureContext: tls.createSecureContext({ ca: trustedCas(network.ca) }) } : {}),
    ...(network.insecureSkipTlsVerify ? { rejectUnauthorized: false } : {}),
  };
  const proxy = proxyFor(target, network.proxy)?.url;
  // The TLS options reach an https:// proxy's own handshake too, so a corporate CA given here covers it.
  const httpAgent = proxy && target.protocol === 'http:' ? new ForwardProxyAgent(proxy, pool, tlsOptions) : new http.Agent(pool);
  const httpsAgent =
    proxy && target.protocol === 'https:'
      ? new HttpsProxyAgent({ ...pool, ...tlsOptions, proxy, proxyRequestOptions: tlsOptions as ProxyAgentRequestOptions })
      : new https.Agent({ ...pool, ...tlsOptions });
  return { http: httpAgent, https: httpsAgent };
}
