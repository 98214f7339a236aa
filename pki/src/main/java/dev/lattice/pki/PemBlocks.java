package dev.lattice.pki;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The PEM armor alone (RFC 7468): finds {@code -----BEGIN X-----} … {@code -----END X-----} blocks and
 * decodes their base64 bodies. Knows nothing about what the bytes mean, so the proxy can read its
 * certificate and key with the JDK only.
 */
final class PemBlocks {
  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";
  private static final String DASHES = "-----";

  /** One armored block: its label ({@code CERTIFICATE}, {@code PRIVATE KEY}, …) and its decoded body. */
  record Block(String label, byte[] der) {}

  private PemBlocks() {}

  /**
   * Every block in {@code text}, in order. Text outside blocks is skipped, because openssl writes
   * "Bag Attributes" and people write comments there. Throws {@link PkiException} naming the block
   * when one is unterminated, ends with another label, has headers or a body that is not base64.
   */
  static List<Block> read(String text) {
    List<Block> blocks = new ArrayList<>();
    String label = null;
    StringBuilder body = new StringBuilder();
    // split on \r\n, \n or a lone \r: files from Windows editors must read the same.
    for (String rawLine : text.split("\\R", -1)) {
      String line = rawLine.strip();
      if (label == null) {
        if (line.startsWith(BEGIN)) {
          label = labelOf(line, BEGIN);
          body.setLength(0);
        } else if (line.startsWith(END)) {
          throw new PkiException("not valid PEM: " + line + " without a matching BEGIN line");
        }
        continue;
      }
      if (line.startsWith(END)) {
        String endLabel = labelOf(line, END);
        if (!endLabel.equals(label)) {
          throw new PkiException(
              "not valid PEM: " + label + " block ends with -----END " + endLabel + "----- instead of -----END "
                  + label + "-----");
        }
        blocks.add(new Block(label, decode(label, body)));
        label = null;
      } else if (line.startsWith(BEGIN)) {
        throw new PkiException("not valid PEM: " + label + " block is not terminated before " + line);
      } else if (line.indexOf(':') >= 0) {
        // RFC 1421 headers (Proc-Type, DEK-Info) mean a legacy encrypted key; base64 decoding would
        // otherwise silently turn the header text into garbage bytes.
        throw new PkiException("not valid PEM: " + label
            + " block has headers (" + line.substring(0, line.indexOf(':')) + "); encrypted PEM is not supported");
      } else {
        body.append(line);
      }
    }
    if (label != null) {
      throw new PkiException("not valid PEM: " + label + " block is not terminated (no -----END " + label + "-----)");
    }
    return List.copyOf(blocks);
  }

  private static String labelOf(String line, String prefix) {
    if (!line.endsWith(DASHES) || line.length() < prefix.length() + DASHES.length()) {
      throw new PkiException("not valid PEM: malformed armor line '" + line + "'");
    }
    return line.substring(prefix.length(), line.length() - DASHES.length());
  }

  private static byte[] decode(String label, CharSequence body) {
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      boolean base64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '+' || c == '/' || c == '=' || Character.isWhitespace(c);
      // The MIME decoder skips characters outside the alphabet; a corrupt body must fail instead.
      if (!base64) {
        throw new PkiException("not valid PEM: " + label + " block body has a character that is not base64: '" + c + "'");
      }
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(body.toString());
    } catch (IllegalArgumentException e) {
      throw new PkiException("not valid PEM: " + label + " block body is not valid base64: " + e.getMessage(), e);
    }
    if (der.length == 0) {
      throw new PkiException("not valid PEM: " + label + " block is empty");
    }
    return der;
  }
}
