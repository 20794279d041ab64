package io.chainsight.core.diagnose;

import io.chainsight.core.certs.Certificates;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The expected host name or IP address against the leaf's subjectAltName, as OpenSSL's {@code
 * X509_check_host}/{@code X509_check_ip} do it: an IP only matches IP SANs; a name matches DNS SANs
 * (a wildcard covers exactly the leftmost label), and the subject CN only when there is no DNS SAN
 * at all.
 */
final class HostNameCheck {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private HostNameCheck() {}

  static boolean isIpLiteral(String host) {
    return IPV4.matcher(host).matches() || host.contains(":");
  }

  static Outcome check(PathNode leaf, String host, List<String> remarks) {
    X509Certificate cert = leaf.certificate();
    List<String> dns = Certificates.dnsNames(cert);
    List<String> ips = Certificates.ipAddresses(cert);
    String sans = sanList(dns, ips);
    if (isIpLiteral(host)) {
      InetAddress expected = parseIp(host);
      for (String ip : ips) {
        InetAddress candidate = parseIp(ip);
        if (candidate != null && candidate.equals(expected)) {
          return Outcome.pass("IP " + host + " is in the subjectAltName (" + sans + ")");
        }
      }
      return Outcome.fail(
          ReasonCode.HOSTNAME_MISMATCH,
          OpenSslError.IP_ADDRESS_MISMATCH,
          leaf.name()
              + " has no IP address "
              + host
              + " in its subjectAltName ("
              + sans
              + "); a client that "
              + "connects by IP address compares it with IP SANs only, never with DNS names or the CN.",
          "Reissue "
              + leaf.subject()
              + " with subjectAltName IP:"
              + host
              + " (openssl: -addext "
              + "subjectAltName=IP:"
              + host
              + "), or connect by a DNS name it holds; rust-keylime checks "
              + "registrar_ip this way.");
    }
    String name = normalize(host);
    for (String candidate : dns) {
      if (matches(normalize(candidate), name)) {
        return Outcome.pass(host + " matches DNS:" + candidate);
      }
    }
    if (dns.isEmpty()) {
      String cn = commonName(cert);
      if (cn != null && matches(normalize(cn), name)) {
        remarks.add(
            leaf.name()
                + " matches "
                + host
                + " only by its subject CN: OpenSSL accepts that when there is no "
                + "DNS SAN, but Java, Go, rustls and browsers require subjectAltName DNS:"
                + host
                + ".");
        return Outcome.pass(host + " matches the subject CN (no DNS SAN)");
      }
    }
    return Outcome.fail(
        ReasonCode.HOSTNAME_MISMATCH,
        OpenSslError.HOSTNAME_MISMATCH,
        leaf.name() + " does not name " + host + " in its subjectAltName (" + sans + ").",
        "Reissue "
            + leaf.subject()
            + " with subjectAltName DNS:"
            + host
            + " (openssl: -addext subjectAltName=DNS:"
            + host
            + "), or connect by a name it holds.");
  }

  static String sanList(List<String> dns, List<String> ips) {
    List<String> all = new ArrayList<>();
    dns.forEach(d -> all.add("DNS:" + d));
    ips.forEach(i -> all.add("IP:" + i));
    return all.isEmpty() ? "no subjectAltName" : String.join(", ", all);
  }

  private static boolean matches(String pattern, String name) {
    if (pattern.startsWith("*.")) {
      int dot = name.indexOf('.');
      return dot > 0
          && name.substring(dot).equals(pattern.substring(1))
          && pattern.indexOf('.', 2) > 0;
    }
    return pattern.equals(name);
  }

  private static String normalize(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }

  private static InetAddress parseIp(String literal) {
    String bare =
        literal.startsWith("[") && literal.endsWith("]")
            ? literal.substring(1, literal.length() - 1)
            : literal;
    if (!isIpLiteral(bare)) {
      return null;
    }
    try {
      // A literal: no name lookup happens.
      return InetAddress.getByName(bare);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static String commonName(X509Certificate cert) {
    try {
      for (Rdn rdn : new LdapName(Certificates.subject(cert)).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    return null;
  }
}
