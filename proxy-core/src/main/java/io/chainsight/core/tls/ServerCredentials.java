package io.chainsight.core.tls;

import io.chainsight.core.certs.Certificates;
import io.chainsight.core.certs.TlsMaterial;
import io.chainsight.core.config.ConfigException;
import io.chainsight.core.config.TlsSettings;
import io.netty.handler.ssl.SslContext;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * The listener's credential source: the loaded chain, key, trust and CRLs, and the SslContext built
 * from them. {@link #reload} loads everything again and checks it completely before swapping; on
 * any problem the old material keeps serving. Every handshake that starts after a swap uses the new
 * context; a new context also has new session-ticket keys, so a session resumed after a change of
 * trust is never let in under the old checks.
 */
public final class ServerCredentials {
  /** What is being served, and since when. */
  public record Generation(
      long number, TlsMaterial material, SslContext context, Instant loadedAt) {}

  /**
   * How a reload went: {@code CHANGED}, {@code UNCHANGED} (same certificates) or {@code FAILED}
   * (old kept).
   */
  public record ReloadResult(
      Outcome outcome,
      String trigger,
      Instant at,
      String before,
      String after,
      List<String> problems) {
    public enum Outcome {
      CHANGED,
      UNCHANGED,
      FAILED
    }

    public String describe() {
      switch (outcome) {
        case CHANGED:
          return "reloaded TLS material ("
              + trigger
              + "): now serving "
              + after
              + " (was "
              + before
              + ")";
        case UNCHANGED:
          return "reloaded TLS material (" + trigger + "): no change, still serving " + before;
        default:
          return "reload ("
              + trigger
              + ") refused, still serving "
              + before
              + ": "
              + String.join("; ", problems);
      }
    }
  }

  private final TlsSettings settings;
  private final TlsEngine engine;
  private final DeferredRejections deferred;
  private volatile Generation current;
  private volatile ReloadResult lastFailure;

  private ServerCredentials(TlsSettings settings, TlsEngine engine, DeferredRejections deferred)
      throws ConfigException {
    this.settings = settings;
    this.engine = engine;
    this.deferred = deferred;
    this.current = build(1);
  }

  public static ServerCredentials load(TlsSettings settings, TlsEngine engine)
      throws ConfigException {
    return new ServerCredentials(settings, engine, new DeferredRejections());
  }

  /** Where client-chain rejections wait under tls.client-auth-failure = http. */
  public DeferredRejections deferredRejections() {
    return deferred;
  }

  private Generation build(long number) throws ConfigException {
    TlsMaterial material = TlsMaterial.load(settings);
    try {
      return new Generation(
          number,
          material,
          ServerTlsContext.build(settings, material, engine, deferred),
          Instant.now());
    } catch (SSLException | IllegalArgumentException e) {
      throw new ConfigException(
          "tls: the TLS engine refused the material: "
              + e.getMessage()
              + " (expected: a key and chain "
              + engine.description()
              + " supports, e.g. EC P-256/P-384 or RSA 2048+)");
    }
  }

  public SslContext context() {
    return current.context();
  }

  public TlsMaterial material() {
    return current.material();
  }

  public Generation current() {
    return current;
  }

  /** The last refused reload, if the material has not been reloaded successfully since. */
  public Optional<ReloadResult> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  /**
   * Replaces the session-ticket key of the context being served (the rotation schedule calls this):
   * tickets issued under the old key no longer resume. Not serialised with {@link #reload}, which
   * it need not wait for: a context a reload swaps in comes with a new key of its own.
   */
  public void newTicketKey() {
    SessionTickets.newKey(current.context());
  }

  /**
   * Loads and checks the files again; swaps only when everything is usable. Serialised: one reload
   * at a time.
   */
  public synchronized ReloadResult reload(String trigger) {
    Generation old = current;
    String before = describe(old.material());
    Generation fresh;
    try {
      fresh = build(old.number() + 1);
    } catch (ConfigException e) {
      ReloadResult failed =
          new ReloadResult(
              ReloadResult.Outcome.FAILED, trigger, Instant.now(), before, before, e.problems());
      lastFailure = failed;
      return failed;
    }
    lastFailure = null;
    String after = describe(fresh.material());
    boolean same = sameCertificates(old.material(), fresh.material());
    if (same) {
      // Nothing to swap, but a reload still retires the tickets issued so far.
      newTicketKey();
      return new ReloadResult(
          ReloadResult.Outcome.UNCHANGED, trigger, Instant.now(), before, after, List.of());
    }
    current = fresh;
    return new ReloadResult(
        ReloadResult.Outcome.CHANGED, trigger, Instant.now(), before, after, List.of());
  }

  private static boolean sameCertificates(TlsMaterial a, TlsMaterial b) {
    return a.chain().equals(b.chain())
        && a.trustAnchors().equals(b.trustAnchors())
        && a.crls().equals(b.crls())
        && a.privateKey().equals(b.privateKey());
  }

  /** The served leaf as operators compare it: serial and SHA-256. */
  static String describe(TlsMaterial material) {
    X509Certificate leaf = material.leaf();
    return Certificates.subject(leaf)
        + " serial "
        + Certificates.serialHex(leaf)
        + " SHA-256 "
        + Certificates.sha256(leaf);
  }
}
