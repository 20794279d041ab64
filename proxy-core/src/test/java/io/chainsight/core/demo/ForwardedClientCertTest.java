package io.chainsight.core.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ForwardedClientCertTest {
  @Test
  void quotedSubjectWithCommasIsReadWhole() {
    String header =
        "Hash=4f2a;Subject=\"CN=d432fbb3-d2f1-4a97-9ef7-75bd81c00000,O=chainsight example\";"
            + "DNS=agent.keylime.test";

    assertThat(ForwardedClientCert.subject(header))
        .contains("CN=d432fbb3-d2f1-4a97-9ef7-75bd81c00000,O=chainsight example");
  }

  @Test
  void escapedQuoteInsideTheSubjectIsUnescaped() {
    assertThat(ForwardedClientCert.subject("Subject=\"CN=a \\\"b\\\",O=c\";URI=spiffe://x"))
        .contains("CN=a \"b\",O=c");
  }

  @Test
  void unquotedSubjectEndsAtTheSemicolon() {
    assertThat(ForwardedClientCert.subject("By=spiffe://proxy?a=b;Subject=CN=agent;Hash=00"))
        .contains("CN=agent");
  }

  @Test
  void onlyTheFirstElementCounts() {
    assertThat(ForwardedClientCert.subject("Hash=01;DNS=a,Subject=\"CN=second\"")).isEmpty();
    assertThat(ForwardedClientCert.subject("subject=\"CN=first\",Subject=\"CN=second\""))
        .contains("CN=first");
  }

  @Test
  void missingOrEmptySubjectIsEmpty() {
    assertThat(ForwardedClientCert.subject(null)).isEmpty();
    assertThat(ForwardedClientCert.subject("Hash=abc;DNS=agent.keylime.test")).isEmpty();
    assertThat(ForwardedClientCert.subject("Subject=\"\"")).isEmpty();
  }
}
