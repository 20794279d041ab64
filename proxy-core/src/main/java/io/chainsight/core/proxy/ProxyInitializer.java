package io.chainsight.core.proxy;

import io.chainsight.core.config.ChainsightConfig;
import io.chainsight.core.config.LimitsSettings;
import io.chainsight.core.metrics.ProxyMetrics;
import io.chainsight.core.report.FailureReporter;
import io.chainsight.core.tls.ServerTlsContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import java.util.function.Supplier;

/**
 * Assembles a client connection's pipeline (order and names: {@link PipelineNames}); nothing else.
 */
final class ProxyInitializer extends ChannelInitializer<SocketChannel> {
  private final ChainsightConfig config;
  private final Supplier<SslContext> sslContext;
  private final Router router;
  private final FailureReporter failures;
  private final ProxyMetrics metrics;
  private final HandshakeReporter reporter;
  private final LimitsSettings limits;
  private final ConnectionLimiter connectionLimiter;
  private final ChannelGroup clients;
  private final int maxClientHello;

  ProxyInitializer(
      ChainsightConfig config,
      Supplier<SslContext> sslContext,
      Router router,
      ProxyMetrics metrics,
      HandshakeReporter reporter,
      FailureReporter failures,
      ChannelGroup clients) {
    this.clients = clients;
    this.config = config;
    this.sslContext = sslContext;
    this.router = router;
    this.failures = failures;
    this.metrics = metrics;
    this.reporter = reporter;
    this.limits = config.limits();
    this.connectionLimiter = new ConnectionLimiter(limits, metrics);
    this.maxClientHello = ServerTlsContext.maxClientHandshakeMessage(config.tls().clientAuth());
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    clients.add(ch);
    ch.pipeline()
        .addLast(PipelineNames.LIMIT, connectionLimiter)
        .addLast(PipelineNames.DETECT_TLS, new TlsDetector(reporter, maxClientHello))
        .addLast(
            PipelineNames.SNI,
            new SniSslHandler(
                sslContext, maxClientHello, config.tls().handshakeTimeout().toMillis()))
        .addLast(PipelineNames.TLS_ERRORS, new FatalAlertFlush())
        .addLast(PipelineNames.HANDSHAKE, new HandshakeOutcomeHandler(reporter))
        .addLast(
            PipelineNames.HTTP,
            new StrictHttpServerCodec(
                new HttpDecoderConfig()
                    .setMaxInitialLineLength(limits.maxRequestLine())
                    .setMaxHeaderSize(limits.maxHeaderSize())
                    .setStrictLineParsing(true),
                limits.maxRequestLine() + limits.maxHeaderSize()))
        .addLast(PipelineNames.TIMEOUTS, new RequestTimeouts(limits, metrics))
        .addLast(
            PipelineNames.PROXY,
            new FrontendHandler(router, limits, metrics, failures, config.log().access()));
  }
}
