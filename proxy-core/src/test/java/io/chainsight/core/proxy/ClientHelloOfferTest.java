package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.testing.ClientHelloMutations;
import io.chainsight.core.testing.TestPki;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class ClientHelloOfferTest {
  private static final SSLContext CLIENT = TestPki.create().clientContext(null);

  /**
   * The ClientHello body of a JDK client's first record (after the 5-byte record header and the
   * 4-byte message header).
   */
  private static ByteBuf body(String... protocols) {
    byte[] record = ClientHelloMutations.clientHello(CLIENT, protocols);
    return Unpooled.wrappedBuffer(Arrays.copyOfRange(record, 9, record.length));
  }

  @Test
  void readsTheVersionsGroupsAndSuitesAJdkClientOffers() {
    ClientHelloOffer offer = ClientHelloOffer.parse(body("TLSv1.3", "TLSv1.2")).orElseThrow();

    assertThat(offer.versions()).containsExactly(0x0304, 0x0303);
    assertThat(offer.versionNames()).isEqualTo("TLSv1.3, TLSv1.2");
    assertThat(offer.groupNames()).contains("X25519").contains("P-256");
    assertThat(offer.cipherNames()).contains("TLS_AES_128_GCM_SHA256");
  }

  @Test
  void aTls12OnlyHelloOffersTls12() {
    assertThat(ClientHelloOffer.parse(body("TLSv1.2")).orElseThrow().versionNames())
        .isEqualTo("TLSv1.2");
  }

  @Test
  void aHelloCutShortIsNotParsed() {
    ByteBuf whole = body("TLSv1.3");
    assertThat(ClientHelloOffer.parse(whole.slice(0, 40))).isEmpty();
  }

  @Test
  void greaseValuesAreLeftOutAndUnknownCodesShownInHex() {
    ClientHelloOffer offer =
        new ClientHelloOffer(
            java.util.List.of(0x0a0a, 0x0302),
            java.util.List.of(0x1a1a, 0x0019),
            java.util.List.of(0x0041));
    assertThat(offer.versionNames()).isEqualTo("TLSv1.1");
    assertThat(offer.groupNames()).isEqualTo("P-521");
    assertThat(offer.cipherNames()).isEqualTo("0x0041");
  }

  @Test
  void anSslv2FormatHelloOffersItsVersionAndTlsCipherSpecsAndNoGroups() {
    byte[] ssl2 =
        HexFormat.of()
            .parseHex(
                "8035"
                    + "01"
                    + "0303"
                    + "000c"
                    + "0000"
                    + "0020"
                    + "00c02f"
                    + "010080"
                    + "00c02b"
                    + "030080"
                    + "11".repeat(32));
    ClientHelloOffer offer = ClientHelloOffer.parseSsl2(Unpooled.wrappedBuffer(ssl2)).orElseThrow();
    assertThat(offer.versionNames()).isEqualTo("TLSv1.2");
    assertThat(offer.groupNames()).isEqualTo("none (no supported_groups extension)");
    assertThat(offer.cipherNames())
        .isEqualTo(
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
  }
}
