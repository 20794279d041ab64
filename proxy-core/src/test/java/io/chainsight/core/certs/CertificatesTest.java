package io.chainsight.core.certs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How chainsight names what it prints about a certificate. */
class CertificatesTest {
  @Test
  void anExtendedKeyUsageIsNamedAsOpensslTakesItAndAnUnknownOneByItsOid() {
    assertThat(Certificates.extendedKeyUsageName("1.3.6.1.5.5.7.3.2")).isEqualTo("clientAuth");
    assertThat(Certificates.extendedKeyUsageName("1.3.6.1.5.5.7.3.8")).isEqualTo("timeStamping");
    assertThat(Certificates.extendedKeyUsageName("2.5.29.37.0")).isEqualTo("anyExtendedKeyUsage");
    assertThat(Certificates.extendedKeyUsageName("1.3.6.1.4.1.311.20.2.2"))
        .isEqualTo("1.3.6.1.4.1.311.20.2.2");
  }
}
