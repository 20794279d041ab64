package io.chainsight.core.proxy;

/**
 * Names of the pipeline handlers, so code and tests find them by name. A client connection, in
 * order:
 *
 * <pre>
 *   limit       ConnectionLimiter: closes a connection past limits.max-connections(-per-ip), then leaves
 *   detect-tls  first bytes: TLS goes on; plain HTTP gets a 400 "use https"; anything else is closed
 *   alerts      ClientAlertSniffer (replaces detect-tls): notes a plaintext alert sent during the handshake
 *   records     HandshakeRecordGuard (with alerts): notes the server's plaintext alert; answers a zero-length
 *               record or an oversized ClientHello with the alert BoringSSL would send (Netty drops them first)
 *   sni         SniSslHandler: reads the ClientHello's server name and offer, then becomes "tls"
 *   tls         SslHandler: the handshake, with the client chain checked by ClientChainVerifier
 *   tls-errors  FatalAlertFlush: a TLS error after the handshake closes the connection at once
 *   handshake   HandshakeOutcomeHandler: counts and reports how the handshake ended
 *   http        HttpServerCodec
 *   timeouts    RequestTimeouts: idle keep-alive close, and 408 for a request head that does not arrive
 *   proxy       FrontendHandler: routes, checks and forwards each request to a pooled backend connection
 *               (it answers Expect: 100-continue itself, once the request passed every check)
 * </pre>
 *
 * A backend connection:
 *
 * <pre>
 *   backend-tls SslHandler, client side (https backends only), verified by BackendChainVerifier
 *   backend-tls-errors FatalAlertFlush (https backends only), as for a client connection
 *   backend-accepted  counts the backend hop's handshake as accepted at the first decrypted bytes, then leaves
 *   http-client HttpClientCodec
 *   backend     BackendHandler: hands responses to the FrontendHandler of the exchange in flight
 * </pre>
 */
public final class PipelineNames {
  public static final String LIMIT = "limit";
  public static final String DETECT_TLS = "detect-tls";
  public static final String ALERT_SNIFFER = "alerts";
  public static final String RECORD_GUARD = "records";
  public static final String SNI = "sni";
  public static final String TLS = "tls";
  public static final String TLS_ERRORS = "tls-errors";
  public static final String HANDSHAKE = "handshake";
  public static final String HTTP = "http";
  public static final String TIMEOUTS = "timeouts";
  public static final String PROXY = "proxy";
  public static final String BACKEND_TLS = "backend-tls";
  public static final String BACKEND_TLS_ERRORS = "backend-tls-errors";
  public static final String BACKEND_ACCEPTED = "backend-accepted";
  public static final String HTTP_CLIENT = "http-client";
  public static final String BACKEND = "backend";

  private PipelineNames() {}
}
