package io.chainsight.core.lint;

import io.chainsight.core.certs.Certificates;
import io.netty.util.NetUtil;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The lint's host check: whether the leaf's subjectAlternativeNames cover the name or address
 * clients connect to, matched as clients match them (RFC 6125: SANs only, the CN ignored, a
 * wildcard for exactly one left-most label, an IP address against IP SANs only).
 */
final class HostNames {
  private HostNames() {}

  static void check(X509Certificate leaf, String listenHost, List<LintFinding> findings) {
    String host =
        listenHost.startsWith("[") && listenHost.endsWith("]")
            ? listenHost.substring(1, listenHost.length() - 1)
            : listenHost;
    List<String> dnsNames = Certificates.dnsNames(leaf);
    List<String> ips = Certificates.ipAddresses(leaf);
    String sans = describeSans(dnsNames, ips);
    if (dnsNames.isEmpty() && ips.isEmpty()) {
      findings.add(
          LintFinding.error(
              "host",
              1,
              "certificate 1 ("
                  + Certificates.subject(leaf)
                  + ") has no "
                  + "subjectAlternativeName; clients match host names only against SANs (the CN is ignored) and fail with "
                  + "OpenSSL error 62 (hostname mismatch): reissue it with the names and IPs clients connect to"));
      return;
    }
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("*")) {
      List<String> covered =
          List.of("localhost", "127.0.0.1").stream()
              .filter(name -> covers(name, dnsNames, ips))
              .collect(Collectors.toList());
      findings.add(
          LintFinding.info(
              "host",
              1,
              "listen.host is "
                  + host
                  + " (every interface), so the names clients "
                  + "use are not known here: checked localhost and 127.0.0.1 only, and "
                  + (covered.isEmpty()
                      ? "neither is"
                      : String.join(" and ", covered) + (covered.size() == 1 ? " is" : " are"))
                  + " in the SANs ("
                  + sans
                  + "). Make sure the name or IP each client connects to (the agent's "
                  + "registrar_ip) is in the SANs too"));
      return;
    }
    boolean ip = isIpLiteral(host);
    if (covers(host, dnsNames, ips)) {
      findings.add(
          LintFinding.ok("host", 1, "listen.host " + host + " is in the SANs (" + sans + ")"));
      return;
    }
    String hint =
        ip && dnsNames.contains(host)
            ? " (it is there as a DNS name, but clients compare an IP address only with IP SANs)"
            : "";
    findings.add(
        LintFinding.error(
            "host",
            1,
            "listen.host "
                + host
                + " is not in the SANs of certificate 1 ("
                + sans
                + ")"
                + hint
                + "; clients that connect to "
                + host
                + " fail with OpenSSL error "
                + (ip ? "64 (IP address mismatch)" : "62 (hostname mismatch)")
                + ": reissue the certificate with "
                + (ip ? "IP:" : "DNS:")
                + host));
  }

  static String describeSans(List<String> dnsNames, List<String> ips) {
    List<String> all = new ArrayList<>();
    dnsNames.forEach(name -> all.add("DNS:" + name));
    ips.forEach(ip -> all.add("IP:" + ip));
    return all.isEmpty() ? "none" : String.join(", ", all);
  }

  static boolean covers(String host, List<String> dnsNames, List<String> ips) {
    if (isIpLiteral(host)) {
      byte[] wanted = NetUtil.createByteArrayFromIpAddressString(host);
      return ips.stream()
          .map(NetUtil::createByteArrayFromIpAddressString)
          .anyMatch(ip -> ip != null && Arrays.equals(ip, wanted));
    }
    String name = host.toLowerCase(Locale.ROOT);
    for (String san : dnsNames) {
      String pattern = san.toLowerCase(Locale.ROOT);
      if (pattern.equals(name)) {
        return true;
      }
      // A wildcard stands for exactly one left-most label (RFC 6125): *.example.com matches
      // a.example.com only.
      if (pattern.startsWith("*.")) {
        int dot = name.indexOf('.');
        if (dot > 0 && name.substring(dot).equals(pattern.substring(1))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean isIpLiteral(String host) {
    return NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
  }
}
