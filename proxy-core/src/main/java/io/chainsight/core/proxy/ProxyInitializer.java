package io.chainsight.core.proxy;

import io.chainsight.core.config.LimitsSettings;
import io.chainsight.core.metrics.ProxyMetrics;
import io.chainsight.core.report.FailureReporter;
import io.chainsight.core.tls.ServerTlsContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import java.util.function.Supplier;

/**
 * Assembles a client connection's pipeline (order and names: {@link PipelineNames}); nothing else.
 * What a connection keeps for its lifetime (header limits, its timeouts) comes from the generation
 * current when it was accepted; what each request uses, the handlers read per request.
 */
final class ProxyInitializer extends ChannelInitializer<SocketChannel> {
  private final Supplier<Generation> generations;
  private final FailureReporter failures;
  private final ProxyMetrics metrics;
  private final HandshakeReporter reporter;
  private final ConnectionLimiter connectionLimiter;
  private final ChannelGroup clients;

  ProxyInitializer(
      Supplier<Generation> generations,
      ProxyMetrics metrics,
      HandshakeReporter reporter,
      FailureReporter failures,
      ChannelGroup clients) {
    this.clients = clients;
    this.generations = generations;
    this.failures = failures;
    this.metrics = metrics;
    this.reporter = reporter;
    this.connectionLimiter =
        new ConnectionLimiter(() -> generations.get().config().limits(), metrics);
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    clients.add(ch);
    Generation generation = generations.get();
    LimitsSettings limits = generation.config().limits();
    int maxClientHello =
        ServerTlsContext.maxClientHandshakeMessage(generation.config().tls().clientAuth());
    ch.pipeline()
        .addLast(PipelineNames.LIMIT, connectionLimiter)
        .addLast(PipelineNames.DETECT_TLS, new TlsDetector(reporter, maxClientHello))
        .addLast(
            PipelineNames.SNI,
            new SniSslHandler(
                () -> {
                  // Remembered, so a reload that changes who is let in can tell this connection.
                  Generation atHello = generations.get();
                  ch.attr(ConfigReloader.HANDSHAKE_TLS).set(atHello.tls());
                  return atHello.tls().context();
                },
                maxClientHello,
                generation.config().tls().handshakeTimeout().toMillis()))
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
        .addLast(PipelineNames.PROXY, new FrontendHandler(generations, metrics, failures));
  }
}
