package io.chainsight.core.testing;

import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.certs.TlsMaterial;
import io.chainsight.core.tls.ClientChainVerifier;
import io.chainsight.core.tls.TlsEngine;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The registrar's TLS port (8891) as an OpenSSL-family server sees it: Netty with BoringSSL on
 * 127.0.0.1:0, presenting {@code server} and requiring (or asking for) a client certificate issued
 * under {@code trusted}. A client certificate it does not accept gets the alert BoringSSL sends for
 * the OpenSSL verification error (unknown_ca for an unknown issuer, certificate_expired, and
 * certificate_required in TLS 1.3 when none came), as Keylime's Python/OpenSSL registrar would. It
 * answers every request 200, naming the client certificate, and records the client certificate's
 * subject.
 */
public final class TlsBackend implements AutoCloseable {
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel channel;
  private final List<String> subjects = new CopyOnWriteArrayList<>();

  private TlsBackend(SslContext context) throws InterruptedException {
    this.channel =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(context.newHandler(ch.alloc()))
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(64 * 1024))
                        .addLast(new Responder());
                  }
                })
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .sync()
            .channel();
  }

  /**
   * @param server the certificate it presents, followed by {@code chain}
   * @param trusted the CA client certificates must chain to
   * @param clientAuth REQUIRE, or OPTIONAL (a certificate sent is still verified)
   * @param protocols e.g. {@code TLSv1.3}, {@code TLSv1.2}
   */
  public static TlsBackend start(
      HeldCertificate server,
      List<HeldCertificate> chain,
      HeldCertificate trusted,
      ClientAuth clientAuth,
      String... protocols) {
    List<X509Certificate> served =
        java.util.stream.Stream.concat(java.util.stream.Stream.of(server), chain.stream())
            .map(HeldCertificate::certificate)
            .toList();
    TlsMaterial material =
        new TlsMaterial(served, server.privateKey(), List.of(trusted.certificate()), List.of());
    try {
      SslContext context =
          SslContextBuilder.forServer(server.privateKey(), served)
              .sslProvider(TlsEngine.detect().provider())
              .protocols(protocols.length == 0 ? new String[] {"TLSv1.3", "TLSv1.2"} : protocols)
              .clientAuth(clientAuth)
              // The verifier maps each verification failure to OpenSSL's error, hence its alert.
              .trustManager(new ClientChainVerifier(material, null))
              .build();
      return new TlsBackend(context);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the TLS backend: " + e.getMessage(), e);
    }
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** The subject of each client certificate it accepted a request with, in order. */
  public List<String> clientSubjects() {
    return List.copyOf(subjects);
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Responder extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      String subject = "(none)";
      try {
        subject =
            ((X509Certificate)
                    ctx.pipeline()
                        .get(SslHandler.class)
                        .engine()
                        .getSession()
                        .getPeerCertificates()[0])
                .getSubjectX500Principal()
                .getName();
      } catch (SSLPeerUnverifiedException e) {
        // No client certificate (client-auth OPTIONAL).
      }
      subjects.add(subject);
      byte[] body = ("client certificate: " + subject + "\n").getBytes(StandardCharsets.UTF_8);
      DefaultFullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
