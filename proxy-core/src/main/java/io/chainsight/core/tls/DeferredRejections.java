package io.chainsight.core.tls;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import javax.net.ssl.SSLEngine;

/**
 * Under {@code tls.client-auth-failure = http} a rejected client chain does not fail the handshake:
 * the rejection waits here, by engine, until the connection picks it up and answers every request
 * with 401. Weak keys: an engine whose connection died first leaves nothing behind. One instance
 * outlives reloads.
 */
public final class DeferredRejections {
  private final Map<SSLEngine, ClientChainRejectedException> byEngine =
      Collections.synchronizedMap(new WeakHashMap<>());

  void put(SSLEngine engine, ClientChainRejectedException rejection) {
    byEngine.put(engine, rejection);
  }

  public Optional<ClientChainRejectedException> take(SSLEngine engine) {
    return Optional.ofNullable(byEngine.remove(engine));
  }
}
