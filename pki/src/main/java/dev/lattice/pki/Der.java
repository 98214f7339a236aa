package dev.lattice.pki;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * A minimal DER writer: just the ASN.1 types a PKCS#10 request and a PKCS#8 key wrapper need. Each
 * method returns one complete TLV, so structures are built inside-out by nesting calls.
 */
final class Der {
  static final int INTEGER = 0x02;
  static final int BIT_STRING = 0x03;
  static final int OCTET_STRING = 0x04;
  static final int OID = 0x06;
  static final int UTF8_STRING = 0x0c;
  static final int PRINTABLE_STRING = 0x13;
  static final int IA5_STRING = 0x16;
  static final int SEQUENCE = 0x30;
  static final int SET = 0x31;
  static final int CONTEXT_PRIMITIVE = 0x80;
  static final int CONTEXT_CONSTRUCTED = 0xa0;

  private Der() {}

  static byte[] sequence(byte[]... elements) {
    return tlv(SEQUENCE, concat(elements));
  }

  /**
   * A SET with its elements in the order given. DER wants SET OF sorted by encoding; every set we
   * write has one element, so the caller's order is already the sorted one.
   */
  static byte[] set(byte[]... elements) {
    return tlv(SET, concat(elements));
  }

  static byte[] integer(long value) {
    return integer(BigInteger.valueOf(value));
  }

  static byte[] integer(BigInteger value) {
    // toByteArray is minimal two's complement, which is exactly DER's INTEGER content.
    return tlv(INTEGER, value.toByteArray());
  }

  static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    if (arcs.length < 2) {
      throw new IllegalArgumentException("oid: " + dotted + " (expected: at least two arcs)");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BigInteger first = new BigInteger(arcs[0]);
    BigInteger second = new BigInteger(arcs[1]);
    if (first.signum() < 0 || first.intValue() > 2 || second.signum() < 0
        || (first.intValue() < 2 && second.compareTo(BigInteger.valueOf(40)) >= 0)) {
      throw new IllegalArgumentException("oid: " + dotted + " (expected: first arc 0-2, second < 40 unless first is 2)");
    }
    writeBase128(out, first.multiply(BigInteger.valueOf(40)).add(second));
    for (int i = 2; i < arcs.length; i++) {
      BigInteger arc = new BigInteger(arcs[i]);
      if (arc.signum() < 0) {
        throw new IllegalArgumentException("oid: " + dotted + " (expected: non-negative arcs)");
      }
      writeBase128(out, arc);
    }
    return tlv(OID, out.toByteArray());
  }

  static byte[] octetString(byte[] content) {
    return tlv(OCTET_STRING, content);
  }

  /** A BIT STRING of whole bytes (no unused bits), as keys and signatures are. */
  static byte[] bitString(byte[] content) {
    byte[] withPad = new byte[content.length + 1];
    System.arraycopy(content, 0, withPad, 1, content.length);
    return tlv(BIT_STRING, withPad);
  }

  static byte[] utf8String(String value) {
    return tlv(UTF8_STRING, value.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] printableString(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean printable = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || " '()+,-./:=?".indexOf(c) >= 0;
      if (!printable) {
        throw new IllegalArgumentException("printableString: '" + value + "' (expected: A-Z a-z 0-9 space '()+,-./:=?)");
      }
    }
    return tlv(PRINTABLE_STRING, value.getBytes(StandardCharsets.US_ASCII));
  }

  /** {@code [tag] IMPLICIT} of a primitive type, e.g. a GeneralName's dNSName ({@code [2] IA5String}). */
  static byte[] contextPrimitive(int tag, byte[] content) {
    return tlv(CONTEXT_PRIMITIVE | checkContextTag(tag), content);
  }

  /** {@code [tag]} constructed: EXPLICIT tagging, or IMPLICIT tagging of a SET/SEQUENCE's contents. */
  static byte[] contextConstructed(int tag, byte[]... elements) {
    return tlv(CONTEXT_CONSTRUCTED | checkContextTag(tag), concat(elements));
  }

  static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    writeLength(out, content.length);
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static int checkContextTag(int tag) {
    if (tag < 0 || tag > 30) {
      throw new IllegalArgumentException("tag: " + tag + " (expected: 0-30, the single-byte form)");
    }
    return tag;
  }

  private static void writeLength(ByteArrayOutputStream out, int length) {
    if (length < 0x80) {
      out.write(length);
      return;
    }
    int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
    out.write(0x80 | bytes);
    for (int i = bytes - 1; i >= 0; i--) {
      out.write(length >>> (8 * i));
    }
  }

  private static void writeBase128(ByteArrayOutputStream out, BigInteger value) {
    int groups = Math.max(1, (value.bitLength() + 6) / 7);
    for (int i = groups - 1; i >= 0; i--) {
      int group = value.shiftRight(7 * i).intValue() & 0x7f;
      out.write(i == 0 ? group : group | 0x80);
    }
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
