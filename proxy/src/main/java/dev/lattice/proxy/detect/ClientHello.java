package dev.lattice.proxy.detect;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads the SNI out of the first bytes of a connection without consuming them. Accepts what
 * Linkerd accepts: a handshake record (type 22, record version 3.1 or 3.3) holding a ClientHello
 * (type 1, client version 3.3); takes the first {@code host_name} of the server_name extension.
 */
public final class ClientHello {
  /** The most the detector buffers before deciding; a ClientHello larger than this is not ours. */
  public static final int MAX_PEEK = 8192;

  /** Outcome of looking at the bytes seen so far. */
  public sealed interface Result {
    /** Consistent with a ClientHello so far; more bytes needed. */
    record NeedMore() implements Result {}

    /** Not a TLS ClientHello we understand, or one without a usable SNI. */
    record NotTls() implements Result {}

    /** A ClientHello naming {@code sni}. */
    record Sni(String sni) implements Result {}
  }

  private static final Result NEED_MORE = new Result.NeedMore();
  private static final Result NOT_TLS = new Result.NotTls();

  private ClientHello() {}

  /** Looks at {@code in} from its reader index; never moves the index. */
  public static Result parse(ByteBuf in) {
    int start = in.readerIndex();
    int n = in.readableBytes();
    if (n < 1) {
      return NEED_MORE;
    }
    if (in.getUnsignedByte(start) != 22) {
      return NOT_TLS;
    }
    if (n < 3) {
      return NEED_MORE;
    }
    int recordVersion = in.getUnsignedShort(start + 1);
    if (recordVersion != 0x0301 && recordVersion != 0x0303) {
      return NOT_TLS;
    }
    if (n < 5) {
      return NEED_MORE;
    }
    int recordLength = in.getUnsignedShort(start + 3);
    if (recordLength > MAX_PEEK - 5) {
      return NOT_TLS;
    }
    if (n < 5 + recordLength) {
      return NEED_MORE;
    }
    try {
      return parseHandshake(in.slice(start + 5, recordLength));
    } catch (IndexOutOfBoundsException e) {
      return NOT_TLS;
    }
  }

  private static Result parseHandshake(ByteBuf hs) {
    if (hs.readUnsignedByte() != 1) {
      return NOT_TLS;
    }
    int length = hs.readUnsignedMedium();
    if (length > hs.readableBytes()) {
      return NOT_TLS; // fragmented over several records: not worth reassembling, treat as not ours
    }
    if (hs.readUnsignedShort() != 0x0303) {
      return NOT_TLS;
    }
    hs.skipBytes(32); // random
    hs.skipBytes(hs.readUnsignedByte()); // session id
    hs.skipBytes(hs.readUnsignedShort()); // cipher suites
    hs.skipBytes(hs.readUnsignedByte()); // compression methods
    if (!hs.isReadable()) {
      return NOT_TLS;
    }
    ByteBuf extensions = hs.readSlice(hs.readUnsignedShort());
    while (extensions.readableBytes() >= 4) {
      int type = extensions.readUnsignedShort();
      ByteBuf data = extensions.readSlice(extensions.readUnsignedShort());
      if (type == 0) {
        return serverName(data);
      }
    }
    return NOT_TLS;
  }

  private static Result serverName(ByteBuf data) {
    ByteBuf list = data.readSlice(data.readUnsignedShort());
    while (list.readableBytes() >= 3) {
      int nameType = list.readUnsignedByte();
      ByteBuf name = list.readSlice(list.readUnsignedShort());
      if (nameType == 0) {
        String sni = name.toString(StandardCharsets.US_ASCII);
        return isDnsName(sni) ? new Result.Sni(sni) : NOT_TLS;
      }
    }
    return NOT_TLS;
  }

  /** An SNI that is not a valid DNS name counts as no SNI. */
  static boolean isDnsName(String s) {
    if (s.isEmpty() || s.length() > 253) {
      return false;
    }
    for (String label : s.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
        return false;
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        if (!(Character.isLetterOrDigit(c) && c < 128) && c != '-' && c != '_') {
          return false;
        }
      }
    }
    return true;
  }

  /** Convenience for tests and logs. */
  public static Optional<String> sni(ByteBuf in) {
    return parse(in) instanceof Result.Sni s ? Optional.of(s.sni()) : Optional.empty();
  }
}
