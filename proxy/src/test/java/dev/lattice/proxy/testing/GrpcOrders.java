package dev.lattice.proxy.testing;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A grpc-java server (h2c on loopback) for the service {@code shop.Orders}, built without code
 * generation: messages are raw protobuf bytes. {@code Get} (unary) and {@code Chat} (bidirectional
 * streaming) answer each message with the same bytes followed by field 3 {@code served = "java"}:
 * appending a field to an encoded message is a valid protobuf merge, so clients with the
 * {@code Item} schema (proxy/src/test/node/orders.proto) read back what they sent plus the marker.
 */
public final class GrpcOrders implements AutoCloseable {
  public static final String SERVICE = "shop.Orders";
  public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };
  public static final MethodDescriptor<byte[], byte[]> GET = method("Get", MethodDescriptor.MethodType.UNARY);
  public static final MethodDescriptor<byte[], byte[]> CHAT = method("Chat", MethodDescriptor.MethodType.BIDI_STREAMING);
  /** Field 3 (length-delimited) = "java". */
  static final byte[] MARKER = {0x1a, 4, 'j', 'a', 'v', 'a'};

  /** Messages that reached the application, over all calls. */
  public final AtomicInteger messages = new AtomicInteger();
  private final Server server;

  public GrpcOrders() throws IOException {
    ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
        .addMethod(GET, ServerCalls.asyncUnaryCall((request, response) -> {
          messages.incrementAndGet();
          response.onNext(served(request));
          response.onCompleted();
        }))
        .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(response -> new StreamObserver<byte[]>() {
          @Override
          public void onNext(byte[] value) {
            messages.incrementAndGet();
            response.onNext(served(value));
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {
            response.onCompleted();
          }
        }))
        .build();
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
  }

  public int port() {
    return ((InetSocketAddress) server.getListenSockets().getFirst()).getPort();
  }

  /** {@code Item { string id = 1; bytes payload = 2; }} encoded, for Java clients. */
  public static byte[] item(String id, byte[] payload) {
    byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
    if (idBytes.length > 127 || payload.length > 127) {
      throw new IllegalArgumentException("keep test items under 128 bytes per field");
    }
    byte[] out = new byte[4 + idBytes.length + payload.length];
    out[0] = 0x0a;
    out[1] = (byte) idBytes.length;
    System.arraycopy(idBytes, 0, out, 2, idBytes.length);
    out[2 + idBytes.length] = 0x12;
    out[3 + idBytes.length] = (byte) payload.length;
    System.arraycopy(payload, 0, out, 4 + idBytes.length, payload.length);
    return out;
  }

  public static byte[] served(byte[] request) {
    byte[] out = new byte[request.length + MARKER.length];
    System.arraycopy(request, 0, out, 0, request.length);
    System.arraycopy(MARKER, 0, out, request.length, MARKER.length);
    return out;
  }

  private static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
