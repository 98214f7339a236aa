package dev.lattice.pki;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Walks the elements of one DER-encoded level, strictly: definite lengths only, nothing past the
 * end. Just enough ASN.1 to read the outer shape of PKCS#8 and SEC1 private keys without a library.
 */
final class DerReader {
  /** One TLV: its tag byte and its content octets. */
  record Element(int tag, byte[] content) {}

  private final byte[] der;
  private final String what;
  private int position;

  /** {@code what} names the structure in error messages, e.g. {@code "EC PRIVATE KEY"}. */
  DerReader(byte[] der, String what) {
    this.der = der;
    this.what = what;
  }

  /** The one element {@code der} holds, which must have {@code tag} and nothing after it. */
  static Element single(byte[] der, int tag, String what) {
    DerReader reader = new DerReader(der, what);
    Element element = reader.next(tag, what);
    if (reader.hasMore()) {
      throw new PkiException(what + ": " + (der.length - reader.position) + " unexpected bytes after the DER structure");
    }
    return element;
  }

  /** A reader over {@code element}'s children. */
  DerReader children(Element element) {
    return new DerReader(element.content(), what);
  }

  boolean hasMore() {
    return position < der.length;
  }

  Element next(int expectedTag, String field) {
    if (!hasMore()) {
      throw new PkiException(what + ": " + field + " is missing");
    }
    Element element = next();
    if (element.tag() != expectedTag) {
      throw new PkiException(String.format("%s: %s has tag 0x%02x, expected 0x%02x", what, field, element.tag(), expectedTag));
    }
    return element;
  }

  Element next() {
    int tag = readByte();
    if ((tag & 0x1f) == 0x1f) {
      throw new PkiException(what + ": multi-byte ASN.1 tags are not supported");
    }
    int first = readByte();
    int length;
    if (first < 0x80) {
      length = first;
    } else if (first == 0x80) {
      throw new PkiException(what + ": indefinite length is not DER");
    } else {
      int bytes = first & 0x7f;
      if (bytes > 3) {
        throw new PkiException(what + ": length of " + bytes + " bytes is too large");
      }
      length = 0;
      for (int i = 0; i < bytes; i++) {
        length = (length << 8) | readByte();
      }
    }
    if (length > der.length - position) {
      throw new PkiException(what + ": truncated DER (element of " + length + " bytes, " + (der.length - position) + " left)");
    }
    Element element = new Element(tag, Arrays.copyOfRange(der, position, position + length));
    position += length;
    return element;
  }

  /** The dotted form of an OBJECT IDENTIFIER's content octets. */
  static String oid(byte[] content, String what) {
    if (content.length == 0 || (content[content.length - 1] & 0x80) != 0) {
      throw new PkiException(what + ": malformed OBJECT IDENTIFIER");
    }
    StringBuilder dotted = new StringBuilder();
    BigInteger arc = BigInteger.ZERO;
    boolean first = true;
    for (byte b : content) {
      arc = arc.shiftLeft(7).or(BigInteger.valueOf(b & 0x7f));
      if ((b & 0x80) != 0) {
        continue;
      }
      if (first) {
        // The first subidentifier packs two arcs: 40 * first + second, where first is at most 2.
        int top = arc.compareTo(BigInteger.valueOf(80)) >= 0 ? 2 : arc.intValue() / 40;
        dotted.append(top).append('.').append(arc.subtract(BigInteger.valueOf(40L * top)));
        first = false;
      } else {
        dotted.append('.').append(arc);
      }
      arc = BigInteger.ZERO;
    }
    return dotted.toString();
  }

  private int readByte() {
    if (!hasMore()) {
      throw new PkiException(what + ": truncated DER");
    }
    return der[position++] & 0xff;
  }
}
