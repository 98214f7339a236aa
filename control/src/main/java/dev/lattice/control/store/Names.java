package dev.lattice.control.store;

import java.util.regex.Pattern;

/** The name syntaxes manifests use, as the Kubernetes API server checks them. */
final class Names {
  private static final String LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final Pattern DNS_LABEL = Pattern.compile(LABEL);
  private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile(LABEL + "(\\." + LABEL + ")*");
  private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

  private Names() {}

  /** Namespace names, container names, service port names. */
  static String dnsLabel(String s) {
    if (s.isEmpty()) {
      return "must not be empty";
    }
    if (s.length() > 63) {
      return "must be at most 63 characters, got " + s.length();
    }
    return DNS_LABEL.matcher(s).matches()
        ? null
        : "must be a DNS-1123 label (lower-case a-z, 0-9 and '-', starting and ending alphanumeric), got '"
            + s + "'";
  }

  /** Service names: a DNS label that starts with a letter. */
  static String dns1035Label(String s) {
    String problem = dnsLabel(s);
    if (problem != null) {
      return problem;
    }
    return DNS_1035_LABEL.matcher(s).matches()
        ? null
        : "must start with a letter (DNS-1035 label), got '" + s + "'";
  }

  /** Pod and service account names. */
  static String dnsSubdomain(String s) {
    if (s.isEmpty()) {
      return "must not be empty";
    }
    if (s.length() > 253) {
      return "must be at most 253 characters, got " + s.length();
    }
    return DNS_SUBDOMAIN.matcher(s).matches()
        ? null
        : "must be a DNS-1123 subdomain (lower-case a-z, 0-9, '-' and '.'), got '" + s + "'";
  }

  /** IANA service names, which container ports and named target ports use. */
  static boolean isPortName(String s) {
    return s.length() <= 15
        && PORT_NAME.matcher(s).matches()
        && !s.contains("--")
        && s.chars().anyMatch(Character::isLetter);
  }

  static String portName(String s) {
    return isPortName(s)
        ? null
        : "must be an IANA service name (at most 15 characters of a-z, 0-9 and '-', with a letter), got '"
            + s + "'";
  }

  /** Label and annotation keys: {@code [prefix/]name}. */
  static String qualifiedKey(String key) {
    int slash = key.indexOf('/');
    String name = slash < 0 ? key : key.substring(slash + 1);
    if (slash >= 0) {
      String prefixProblem = dnsSubdomain(key.substring(0, slash));
      if (prefixProblem != null) {
        return "key prefix " + prefixProblem;
      }
    }
    if (name.isEmpty() || name.length() > 63 || !QUALIFIED_NAME.matcher(name).matches()) {
      return "key name must be 1-63 characters of a-z, A-Z, 0-9, '-', '_' and '.', starting and ending"
          + " alphanumeric";
    }
    return null;
  }

  static String labelValue(String value) {
    if (value.isEmpty()) {
      return null;
    }
    if (value.length() > 63 || !QUALIFIED_NAME.matcher(value).matches()) {
      return "value must be at most 63 characters of a-z, A-Z, 0-9, '-', '_' and '.', starting and"
          + " ending alphanumeric, got '" + value + "'";
    }
    return null;
  }
}
