package io.chainsight.core.tls;

import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;

/**
 * The listener's TLS session tickets (BoringSSL): one random ticket key per SslContext at a time,
 * made here and held only in memory, never written anywhere. A new key (on the rotation schedule,
 * on every reload, and with every new context) leaves each ticket issued under the old one unable
 * to resume: its client does a full handshake, certificate check included. A ticket that does
 * resume gets its client chain verified again anyway ({@link
 * ClientChainVerifier#resumeClientTrusted}), so an expired or revoked certificate stays out.
 *
 * <p>Tickets matter beyond resumption: after a TLS 1.3 handshake the NewSessionTicket is what the
 * server sends in answer to the client's Finished. Without it the server sends nothing, its kernel
 * delays the ACK, and a client with Nagle's algorithm on holds its first request for that delayed
 * ACK (40 ms on Linux).
 */
public final class SessionTickets {
  /**
   * How long a session resumes, and how often the ticket key is replaced: no ticket resumes for
   * longer.
   */
  public static final Duration LIFETIME = Duration.ofHours(1);

  private static final SecureRandom RANDOM = new SecureRandom();

  private SessionTickets() {}

  /**
   * Gives {@code context} a new random ticket key in place of its current one (Netty issues no
   * tickets until a key is set). False, and nothing done, when the context is not BoringSSL's: the
   * JDK's engine manages its own tickets.
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
