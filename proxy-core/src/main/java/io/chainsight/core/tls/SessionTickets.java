package io.chainsight.core.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.internal.tcnative.SSL;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;

/**
 * The listener's TLS session tickets (BoringSSL): one random ticket key per SslContext at a time,
 * made here and held only in memory, never written anywhere. A new key (every {@code
 * tls.session-ticket-rotation}, on every reload, and with every new context) leaves each ticket
 * issued under the old one unable to resume: its client does a full handshake, certificate check
 * included. A ticket that does resume gets its client chain verified again anyway ({@link
 * ClientChainVerifier#resumeClientTrusted}), so an expired or revoked certificate stays out.
 *
 * <p>Without a key of ours, Netty lets BoringSSL issue TLS 1.3 tickets under a key of its own,
 * which it rotates only every two days, not on a reload. And tickets matter beyond resumption:
 * after a TLS 1.3 handshake the NewSessionTicket is what the server sends in answer to the client's
 * Finished, as long as it is sent at once ({@link #sendQueued}); otherwise the server sends
 * nothing, its kernel delays the ACK, and a client with Nagle's algorithm on holds its first
 * request for that delayed ACK (40 ms on Linux).
 */
public final class SessionTickets {
  // BoringSSL states a TLS 1.3 ticket's lifetime as 2 days whatever the context's session timeout
  // (netty-tcnative cannot set SSL_CTX_set_session_psk_dhe_timeout): the rotation is what ends it.
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * What the zero-byte write points at: netty-tcnative refuses a null address even for no bytes.
   * Null when Netty cannot see buffer addresses (no sun.misc.Unsafe); the tickets then wait.
   */
  private static final ByteBuf NOTHING = nothing();

  private SessionTickets() {}

  /**
   * Sends the session tickets a finished TLS 1.3 handshake left queued. BoringSSL holds them until
   * the server's first write (so that a client that never reads cannot stall a server that never
   * writes), and this server's first write is the response, which waits for the client's request,
   * which a client with Nagle's algorithm on holds until its Finished is acknowledged: 40 ms of
   * delayed ACK on every new connection. A zero-byte write moves the tickets to the engine's
   * network buffer, and the flush takes them from there to the socket. No-op for the JDK's engine,
   * which sends its tickets itself, and when there is nothing queued.
   *
   * @param ctx a context of the client's pipeline after the SslHandler that runs {@code engine}
   */
  public static void sendQueued(ChannelHandlerContext ctx, SSLEngine engine) {
    if (!(engine instanceof ReferenceCountedOpenSslEngine) || NOTHING == null) {
      return;
    }
    ReferenceCountedOpenSslEngine openSsl = (ReferenceCountedOpenSslEngine) engine;
    synchronized (openSsl) {
      long ssl = openSsl.sslPointer();
      if (ssl == 0 || openSsl.isOutboundDone()) {
        return;
      }
      if (SSL.writeToSSL(ssl, NOTHING.memoryAddress(), 0) < 0) {
        // Whatever went wrong shows again on the next read or write; it must not linger in this
        // thread's error queue for another connection's engine to find.
        SSL.clearError();
      }
    }
    ctx.flush();
  }

  private static ByteBuf nothing() {
    ByteBuf buffer = Unpooled.unreleasableBuffer(Unpooled.directBuffer(1, 1));
    return buffer.hasMemoryAddress() ? buffer : null;
  }

  /**
   * Gives {@code context} a new random ticket key in place of its current one. False, and nothing
   * done, when the context is not BoringSSL's: the JDK's engine manages its own tickets.
   */
  static boolean newKey(SslContext context) {
    if (!(context.sessionContext() instanceof OpenSslSessionContext)) {
      return false;
    }
    byte[] name = new byte[OpenSslSessionTicketKey.NAME_SIZE];
    byte[] hmacKey = new byte[OpenSslSessionTicketKey.HMAC_KEY_SIZE];
    byte[] aesKey = new byte[OpenSslSessionTicketKey.AES_KEY_SIZE];
    RANDOM.nextBytes(name);
    RANDOM.nextBytes(hmacKey);
    RANDOM.nextBytes(aesKey);
    try {
      // One key only: the native side encrypts new tickets with the first key and decrypts with any
      // it holds, so keeping the previous one would let its tickets outlive the rotation.
      ((OpenSslSessionContext) context.sessionContext())
          .setTicketKeys(new OpenSslSessionTicketKey(name, hmacKey, aesKey));
    } finally {
      // OpenSslSessionTicketKey copied them; these copies need not linger until the next GC.
      Arrays.fill(hmacKey, (byte) 0);
      Arrays.fill(aesKey, (byte) 0);
    }
    return true;
  }
}
