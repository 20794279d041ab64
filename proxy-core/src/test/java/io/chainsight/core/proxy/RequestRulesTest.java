package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/** How a refusal quotes what the client sent. */
class RequestRulesTest {
  @Test
  void aLongTargetIsQuotedUpTo200Characters() {
    String target = "/" + "a".repeat(299) + "\u00e9";

    RequestRules.Rejection rejection =
        RequestRules.check(
                new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target), 1024, 100)
            .orElseThrow();

    assertThat(rejection.message())
        .isEqualTo(
            "Bad Request: request target \""
                + target.substring(0, 200)
                + "...\" has a byte outside ASCII (expected: percent-encoded)");
  }

  @Test
  void aShortTargetIsQuotedWhole() {
    assertThat(RequestRules.abbreviate("/v2.1/agents/\u00e9")).isEqualTo("/v2.1/agents/\u00e9");
  }
}
