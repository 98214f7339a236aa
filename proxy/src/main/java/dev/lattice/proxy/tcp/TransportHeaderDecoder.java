package dev.lattice.proxy.tcp;

import dev.lattice.proxy.detect.PeekHandler;
import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads the {@link TransportHeader} off a freshly terminated mTLS connection (consuming exactly its
 * bytes) and passes everything after it to the next stage.
 */
public final class TransportHeaderDecoder extends PeekHandler<TransportHeaderDecoder.Outcome> {
  /** The decoder's verdict. */
  public sealed interface Outcome {
    record Header(TransportHeader header) implements Outcome {}

    record Invalid(String why) implements Outcome {}
  }

  public TransportHeaderDecoder(Duration timeout, Next<Outcome> next) {
    super(timeout, TransportHeader.MAX_LENGTH + TransportHeader.PREFACE.length + 4, next);
  }

  @Override
  protected Outcome decide(ByteBuf peeked, boolean full) {
    try {
      Optional<TransportHeader> header = TransportHeader.decode(peeked);
      if (header.isPresent()) {
        return new Outcome.Header(header.get());
      }
      return full ? new Outcome.Invalid("transport header too long") : null;
    } catch (TransportHeader.Malformed e) {
      return new Outcome.Invalid(e.getMessage());
    }
  }

  @Override
  protected Outcome timedOut() {
    return new Outcome.Invalid("transport header read timed out");
  }
}
