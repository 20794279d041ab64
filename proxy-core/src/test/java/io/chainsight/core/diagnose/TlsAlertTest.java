package io.chainsight.core.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TlsAlertTest {
  @Test
  void parsesWireNamesEnumNamesAndNumbers() {
    assertThat(TlsAlert.parse("unknown_ca")).contains(TlsAlert.UNKNOWN_CA);
    assertThat(TlsAlert.parse("BAD_CERTIFICATE")).contains(TlsAlert.BAD_CERTIFICATE);
    assertThat(TlsAlert.parse("certificate expired")).contains(TlsAlert.CERTIFICATE_EXPIRED);
    assertThat(TlsAlert.parse("48")).contains(TlsAlert.UNKNOWN_CA);
    assertThat(TlsAlert.parse("no_such_alert")).isEmpty();
  }

  @Test
  void findsTheAlertInJdkMessages() {
    assertThat(TlsAlert.fromMessage("Received fatal alert: unknown_ca"))
        .contains(TlsAlert.UNKNOWN_CA);
    assertThat(TlsAlert.fromMessage("Received fatal alert: certificate_unknown"))
        .contains(TlsAlert.CERTIFICATE_UNKNOWN);
  }

  @Test
  void findsTheAlertInOpensslAndBoringsslMessages() {
    assertThat(
            TlsAlert.fromMessage(
                "error:10000418:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA"))
        .contains(TlsAlert.UNKNOWN_CA);
    assertThat(TlsAlert.fromMessage("error:0A000412:SSL routines::sslv3 alert bad certificate"))
        .contains(TlsAlert.BAD_CERTIFICATE);
    assertThat(
            TlsAlert.fromMessage("error:0A00045C:SSL routines::tlsv13 alert certificate required"))
        .contains(TlsAlert.CERTIFICATE_REQUIRED);
    assertThat(TlsAlert.fromMessage("SSLV3_ALERT_BAD_CERTIFICATE_STATUS_RESPONSE"))
        .contains(TlsAlert.BAD_CERTIFICATE_STATUS_RESPONSE);
  }

  @Test
  void noAlertInOtherMessages() {
    assertThat(TlsAlert.fromMessage("Connection reset by peer")).isEmpty();
    assertThat(TlsAlert.fromMessage(null)).isEmpty();
  }

  @Test
  void printsNameAndCode() {
    assertThat(TlsAlert.UNKNOWN_CA).hasToString("unknown_ca (48)");
    assertThat(OpenSslError.INVALID_CA)
        .hasToString("79 \"invalid CA certificate\" (24 in OpenSSL 1.1)");
    assertThat(OpenSslError.UNABLE_TO_GET_ISSUER_CERT)
        .hasToString("2 \"unable to get issuer certificate\"");
  }
}
