package io.chainsight.core.tls;

import io.chainsight.core.certs.Certificates;
import io.chainsight.core.certs.TlsMaterial;
import io.chainsight.core.config.ConfigException;
import io.chainsight.core.config.TlsSettings;
import io.netty.handler.ssl.SslContext;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/**
 * The listener's credential source: loads the chain, key, trust and CRLs a {@link TlsSettings}
 * names, checks them completely and builds the SslContext from them and the handshake policy. A
 * reload loads a new {@link Loaded} and the proxy swaps it in only when everything is usable; on
 * any problem the old one keeps serving. Every handshake that starts after a swap uses the new
 * context; a new context also has new session-ticket keys, so a session resumed after a change of
 * trust is never let in under the old checks.
 */
public final class ServerCredentials {
  /** The material one generation serves, the policy it was built with, and its context. */
  public record Loaded(TlsSettings settings, TlsMaterial material, SslContext context) {
    /** The served leaf as operators compare it: subject, serial and SHA-256. */
    public String describe() {
      X509Certificate leaf = material.leaf();
      return Certificates.subject(leaf)
          + " serial "
          + Certificates.serialHex(leaf)
          + " SHA-256 "
          + Certificates.sha256(leaf);
    }

    public boolean sameCertificates(Loaded other) {
      TlsMaterial a = material;
      TlsMaterial b = other.material;
      return a.chain().equals(b.chain())
          && a.trustAnchors().equals(b.trustAnchors())
          && a.crls().equals(b.crls())
          && a.privateKey().equals(b.privateKey());
    }

    /**
     * Replaces this context's session-ticket key (the rotation schedule, and a reload that changed
     * nothing, call this): tickets issued under the old key no longer resume. A context a reload
     * swaps in comes with a new key of its own.
     */
    public void newTicketKey() {
      SessionTickets.newKey(context);
    }

    /**
     * Whether a client accepted under {@code other} is judged by the same rules here: the same
     * trust anchors and CRLs, client-auth mode, failure mode and protocols. When not, connections
     * authenticated under the old rules are closed once their exchange ends.
     */
    public boolean sameClientPolicy(Loaded other) {
      return material.trustAnchors().equals(other.material.trustAnchors())
          && material.crls().equals(other.material.crls())
          && settings.clientAuth() == other.settings.clientAuth()
          && settings.clientAuthFailure() == other.settings.clientAuthFailure()
          && settings.protocols().equals(other.settings.protocols());
    }
  }

  private final TlsEngine engine;
  private final DeferredRejections deferred = new DeferredRejections();

  public ServerCredentials(TlsEngine engine) {
    this.engine = engine;
  }

  /** Where client-chain rejections wait under tls.client-auth-failure = http (every context). */
  public DeferredRejections deferredRejections() {
    return deferred;
  }

  /** Loads and checks the files the settings name and builds the context; nothing is swapped. */
  public Loaded load(TlsSettings settings) throws ConfigException {
    TlsMaterial material = TlsMaterial.load(settings);
    try {
      return new Loaded(
          settings, material, ServerTlsContext.build(settings, material, engine, deferred));
    } catch (SSLException | IllegalArgumentException e) {
      throw new ConfigException(
          "tls: the TLS engine refused the material: "
              + e.getMessage()
              + " (expected: a key and chain "
              + engine.description()
              + " supports, e.g. EC P-256/P-384 or RSA 2048+)");
    }
  }
}
