package io.chainsight.core.proxy;

import io.chainsight.core.config.LimitsSettings;
import io.chainsight.core.metrics.ProxyMetrics;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code limits.max-connections} and {@code limits.max-connections-per-ip}: a connection past
 * either is closed before a byte is read, and counted. Shared by all client connections (hence the
 * concurrent counters), and by every generation: a reload changes the limits, not the counts.
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ConnectionLimiter.class);
  private static final AttributeKey<Boolean> COUNTED = AttributeKey.valueOf("chainsight.counted");

  private final Supplier<LimitsSettings> current;
  private final ProxyMetrics metrics;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, AtomicInteger> perIp = new ConcurrentHashMap<>();
  private final AtomicLong lastLog =
      new AtomicLong(System.nanoTime() - TimeUnit.MINUTES.toNanos(1));
  private final AtomicLong refused = new AtomicLong();

  ConnectionLimiter(Supplier<LimitsSettings> limits, ProxyMetrics metrics) {
    this.current = limits;
    this.metrics = metrics;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    InetAddress ip = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
    LimitsSettings limits = current.get();
    if (total.incrementAndGet() > limits.maxConnections()) {
      total.decrementAndGet();
      refuse(ctx, "total", "limits.max-connections = " + limits.maxConnections());
      return;
    }
    // compute() keeps the increment and the removal at zero (in release) atomic per address.
    int fromIp =
        perIp
            .compute(ip, (k, count) -> count == null ? new AtomicInteger(1) : increment(count))
            .get();
    if (fromIp > limits.maxConnectionsPerIp()) {
      release(ip);
      refuse(
          ctx,
          "per-ip",
          "limits.max-connections-per-ip = "
              + limits.maxConnectionsPerIp()
              + " for "
              + ip.getHostAddress());
      return;
    }
    ctx.channel().attr(COUNTED).set(Boolean.TRUE);
    ctx.pipeline().remove(this);
    ctx.channel().closeFuture().addListener(f -> release(ip));
    ctx.fireChannelActive();
  }

  private static AtomicInteger increment(AtomicInteger count) {
    count.incrementAndGet();
    return count;
  }

  private void release(InetAddress ip) {
    total.decrementAndGet();
    perIp.computeIfPresent(ip, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
  }

  private void refuse(ChannelHandlerContext ctx, String limit, String why) {
    metrics.connectionRefused(limit);
    // A flood of refusals must not become a flood of log lines: one line per 10 s at most, with the
    // count.
    long now = System.nanoTime();
    long last = lastLog.get();
    long refusedNow = refused.incrementAndGet();
    if (now - last > TimeUnit.SECONDS.toNanos(10) && lastLog.compareAndSet(last, now)) {
      log.warn(
          "refusing connections: {} reached (latest from {}; {} refused so far)",
          why,
          ctx.channel().remoteAddress(),
          refusedNow);
    }
    ctx.close();
  }

  int open() {
    return total.get();
  }
}
