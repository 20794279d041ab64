package io.chainsight.cli;

/**
 * Netty's process-wide settings for a small sidecar, chosen before any Netty class loads (they are
 * read once, into static fields); each stays overridable with its own {@code -D} flag.
 *
 * <ul>
 *   <li>The pooled allocator, not Netty 4.2's adaptive default: its buffers keep their NIO views,
 *       where the adaptive one makes a new one for each TLS record wrapped or unwrapped (about 300
 *       bytes fewer allocated per proxied request, docs/performance.md).
 *   <li>In 1 MiB chunks ({@code maxOrder} 7) instead of 4 MiB: a registrar's sidecar holds a few
 *       connections, and each chunk an arena opens stays resident.
 *   <li>No JFR events from Netty's allocator: registering their types costs a tenth of a second of
 *       start-up; {@code -Dio.netty.jfr.enabled=true} brings them back for a profile.
 * </ul>
 */
final class NettyDefaults {
  private NettyDefaults() {}

  static void apply() {
    setUnlessGiven("io.netty.allocator.type", "pooled");
    setUnlessGiven("io.netty.allocator.maxOrder", "7");
    setUnlessGiven("io.netty.jfr.enabled", "false");
  }

  private static void setUnlessGiven(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }
}
