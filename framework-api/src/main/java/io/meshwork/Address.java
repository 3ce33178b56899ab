package io.meshwork;

import java.util.Objects;

/**
 * Where a node listens: a host name or IP literal and a TCP port (or, for the in-memory
 * transport, a slot in its registry).
 *
 * <pre>{@code
 * Address a = Address.parse("127.0.0.1:7001");
 * Address v6 = Address.parse("[::1]:7001");
 * Address ephemeral = Address.of("127.0.0.1", 0);   // the transport picks the port
 * }</pre>
 *
 * @param host a host name or an IP literal (IPv6 without brackets)
 * @param port 0 to 65535; 0 asks the transport for an ephemeral port when binding
 */
public record Address(String host, int port) {

  /**
   * Validates the address.
   *
   * @throws IllegalArgumentException if the host is blank or the port is out of range
   */
  public Address {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("Address host must not be blank");
    }
    for (int i = 0; i < host.length(); i++) {
      if (Character.isWhitespace(host.charAt(i))) {
        throw new IllegalArgumentException("Address host must not contain spaces: '" + host + "'");
      }
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "Address port must be 0..65535, got " + port + " for host " + host);
    }
  }

  /**
   * Returns the address of a host and port.
   *
   * @param host a host name or IP literal
   * @param port 0 to 65535
   * @return the address
   */
  public static Address of(String host, int port) {
    return new Address(host, port);
  }

  /**
   * Parses {@code host:port}, or {@code [v6-literal]:port}.
   *
   * @param text the address as text
   * @return the address
   * @throws IllegalArgumentException naming the text if it is not of that form
   */
  public static Address parse(String text) {
    Objects.requireNonNull(text, "text");
    String trimmed = text.trim();
    int colon = trimmed.lastIndexOf(':');
    if (colon <= 0 || colon == trimmed.length() - 1) {
      throw new IllegalArgumentException(
          "Address must be host:port (or [v6]:port), got '" + text + "'");
    }
    String host = trimmed.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException(
          "An IPv6 address must be written [v6]:port, got '" + text + "'");
    }
    String digits = trimmed.substring(colon + 1);
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        throw new IllegalArgumentException("Address port is not a number in '" + text + "'");
      }
    }
    try {
      return new Address(host, Integer.parseInt(digits));
    } catch (IllegalArgumentException e) { // out of range, too many digits, or a bad host
      throw new IllegalArgumentException(
          "Address '" + text + "' is not valid: " + e.getMessage(), e);
    }
  }

  /**
   * Whether the host is the any-address ({@code 0.0.0.0} or {@code ::}), which a node can bind
   * to listen on every interface but no peer can dial.
   *
   * @return whether it is a wildcard
   */
  public boolean isWildcard() {
    return host.equals("0.0.0.0")
        || host.equals("::")
        || host.equals("[::]")
        || host.equals("0:0:0:0:0:0:0:0");
  }

  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
