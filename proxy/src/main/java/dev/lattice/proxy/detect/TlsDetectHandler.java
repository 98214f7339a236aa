package dev.lattice.proxy.detect;

import io.netty.buffer.ByteBuf;
import java.time.Duration;

/** Peeks for a TLS ClientHello and its SNI (inbound only; the outbound never sniffs TLS). */
public final class TlsDetectHandler extends PeekHandler<TlsDetectHandler.Outcome> {
  /** The detector's verdict. */
  public sealed interface Outcome {
    record Sni(String name) implements Outcome {}

    record NotTls() implements Outcome {}

    /** No ClientHello within the detect timeout: Linkerd closes such connections. */
    record TimedOut() implements Outcome {}
  }

  public TlsDetectHandler(Duration timeout, Next<Outcome> next) {
    super(timeout, ClientHello.MAX_PEEK, next);
  }

  @Override
  protected Outcome decide(ByteBuf peeked, boolean full) {
    return switch (ClientHello.parse(peeked)) {
      case ClientHello.Result.Sni s -> new Outcome.Sni(s.sni());
      case ClientHello.Result.NotTls n -> new Outcome.NotTls();
      case ClientHello.Result.NeedMore m -> full ? new Outcome.NotTls() : null;
    };
  }

  @Override
  protected Outcome timedOut() {
    return new Outcome.TimedOut();
  }
}
