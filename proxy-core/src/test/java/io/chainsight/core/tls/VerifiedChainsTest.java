package io.chainsight.core.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.testing.TestPki;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifiedChainsTest {
  private final TestPki pki = TestPki.create();
  private final Instant now = Instant.now();

  private X509Certificate[] chain(HeldCertificate leaf) {
    return new X509Certificate[] {leaf.certificate(), pki.intermediate().certificate()};
  }

  @Test
  void aVerifiedChainIsRememberedUntilItsEarliestNotAfter() {
    HeldCertificate agent =
        pki.agent("agent-1")
            .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofHours(2)))
            .build();
    VerifiedChains cache = new VerifiedChains(List.of());
    assertThat(cache.contains(chain(agent), now)).isFalse();

    cache.add(chain(agent), now);

    assertThat(cache.contains(chain(agent), now.plus(Duration.ofHours(1)))).isTrue();
    assertThat(cache.contains(chain(agent), now.plus(Duration.ofHours(3))))
        .as("past the leaf's notAfter")
        .isFalse();
  }

  @Test
  void onlyTheExactChainMatches() {
    VerifiedChains cache = new VerifiedChains(List.of());
    HeldCertificate one = pki.agent("agent-1").build();
    cache.add(chain(one), now);

    assertThat(cache.contains(chain(pki.agent("agent-1").build()), now))
        .as("same name, another certificate")
        .isFalse();
    assertThat(cache.contains(new X509Certificate[] {one.certificate()}, now))
        .as("leaf alone")
        .isFalse();
  }

  @Test
  void withCrlsEntriesLastNoLongerThanTheEarliestNextUpdate() {
    var crl =
        io.chainsight.core.testing.TestPki.crl(
            pki.intermediate(), now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofMinutes(30)));
    VerifiedChains cache = new VerifiedChains(List.of(crl));
    HeldCertificate agent = pki.agent("agent-1").build();
    cache.add(chain(agent), now);

    assertThat(cache.contains(chain(agent), now.plus(Duration.ofMinutes(10)))).isTrue();
    assertThat(cache.contains(chain(agent), now.plus(Duration.ofMinutes(31)))).isFalse();
  }
}
