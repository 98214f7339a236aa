package dev.lattice.proxy.tcp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * The connection header a client proxy writes right after the mTLS handshake when ALPN
 * {@code transport.l5d.io/v1} was negotiated. It names the port the application dialled (and the
 * session protocol, for HTTP), so every meshed connection can target the peer's inbound port.
 *
 * <p>Wire format (Linkerd's): the 23-byte preface {@code "transport.l5d.io/v1\r\n\r\n"}, a 4-byte
 * big-endian length, then a protobuf {@code Header { int32 port = 1; string name = 2;
 * SessionProtocol session_protocol = 3; }} with {@code SessionProtocol { oneof kind { Http1 http1 =
 * 1; Http2 http2 = 2; } }}. Encoded by hand: three fields do not need a protobuf runtime.
 */
public record TransportHeader(int port, Optional<String> name, Optional<SessionProtocol> protocol) {
  public static final byte[] PREFACE = "transport.l5d.io/v1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  /** Linkerd's reader limit; a longer header is an error, not a buffering opportunity. */
  public static final int MAX_LENGTH = 64 * 1024;

  /** HTTP carried over the connection; absent for opaque TCP. */
  public enum SessionProtocol {
    HTTP1,
    HTTP2
  }

  public TransportHeader {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(protocol, "protocol");
  }

  public static TransportHeader opaque(int port) {
    return new TransportHeader(port, Optional.empty(), Optional.empty());
  }

  public static TransportHeader http(int port, SessionProtocol protocol) {
    return new TransportHeader(port, Optional.empty(), Optional.of(protocol));
  }

  public void encode(ByteBuf out) {
    out.writeBytes(PREFACE);
    int lengthAt = out.writerIndex();
    out.writeInt(0);
    int start = out.writerIndex();
    out.writeByte(0x08);
    writeVarint(out, port);
    if (name.isPresent() && !name.get().isEmpty()) {
      byte[] bytes = name.get().getBytes(StandardCharsets.UTF_8);
      out.writeByte(0x12);
      writeVarint(out, bytes.length);
      out.writeBytes(bytes);
    }
    protocol.ifPresent(p -> {
      out.writeByte(0x1a);
      out.writeByte(2);
      out.writeByte(p == SessionProtocol.HTTP1 ? 0x0a : 0x12);
      out.writeByte(0);
    });
    out.setInt(lengthAt, out.writerIndex() - start);
  }

  /**
   * Decodes a header at {@code in}'s reader index. Returns empty if more bytes are needed (index
   * untouched); on success the header's bytes are consumed. Throws {@link Malformed} saying why.
   */
  public static Optional<TransportHeader> decode(ByteBuf in) {
    int start = in.readerIndex();
    int n = in.readableBytes();
    for (int i = 0; i < Math.min(n, PREFACE.length); i++) {
      if (in.getByte(start + i) != PREFACE[i]) {
        throw new Malformed("connection does not start with the transport header preface");
      }
    }
    if (n < PREFACE.length + 4) {
      return Optional.empty();
    }
    long length = in.getUnsignedInt(start + PREFACE.length);
    if (length > MAX_LENGTH) {
      throw new Malformed("transport header of " + length + " bytes exceeds " + MAX_LENGTH);
    }
    if (n < PREFACE.length + 4 + length) {
      return Optional.empty();
    }
    ByteBuf body = in.slice(start + PREFACE.length + 4, (int) length);
    TransportHeader header = parseBody(body);
    in.skipBytes(PREFACE.length + 4 + (int) length);
    return Optional.of(header);
  }

  private static TransportHeader parseBody(ByteBuf body) {
    int port = 0;
    String name = null;
    SessionProtocol protocol = null;
    try {
      while (body.isReadable()) {
        long tag = readVarint(body);
        int field = (int) (tag >>> 3);
        int wire = (int) (tag & 7);
        if (field == 1 && wire == 0) {
          port = (int) readVarint(body);
        } else if (field == 2 && wire == 2) {
          name = body.readCharSequence((int) readVarint(body), StandardCharsets.UTF_8).toString();
        } else if (field == 3 && wire == 2) {
          ByteBuf inner = body.readSlice((int) readVarint(body));
          while (inner.isReadable()) {
            long innerTag = readVarint(inner);
            int kind = (int) (innerTag >>> 3);
            if (kind == 1) {
              protocol = SessionProtocol.HTTP1;
            } else if (kind == 2) {
              protocol = SessionProtocol.HTTP2;
            }
            skip(inner, (int) (innerTag & 7));
          }
        } else {
          skip(body, wire);
        }
      }
    } catch (IndexOutOfBoundsException e) {
      throw new Malformed("truncated transport header");
    }
    if (port < 1 || port > 65535) {
      throw new Malformed("transport header port " + port + " is not in 1..65535");
    }
    return new TransportHeader(port, Optional.ofNullable(name).filter(s -> !s.isEmpty()), Optional.ofNullable(protocol));
  }

  private static void skip(ByteBuf in, int wire) {
    switch (wire) {
      case 0 -> readVarint(in);
      case 1 -> in.skipBytes(8);
      case 2 -> in.skipBytes((int) readVarint(in));
      case 5 -> in.skipBytes(4);
      default -> throw new Malformed("transport header has unknown protobuf wire type " + wire);
    }
  }

  private static void writeVarint(ByteBuf out, int value) {
    long v = value & 0xffffffffL;
    while (v >= 0x80) {
      out.writeByte((int) (v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.writeByte((int) v);
  }

  private static long readVarint(ByteBuf in) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = in.readByte();
      result |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new Malformed("transport header varint too long");
  }

  /** The bytes after the TLS handshake are not a valid transport header. */
  public static final class Malformed extends RuntimeException {
    public Malformed(String message) {
      super(message);
    }
  }
}
