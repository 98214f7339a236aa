package dev.lattice.control.watch;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * One client's server stream fed by an index. Values arrive on the index's thread; only the newest
 * unsent value is kept and handed to {@link #send} when the transport is ready, so a slow client gets
 * fewer, newer messages instead of an unbounded queue. Subclasses say how a value becomes messages.
 *
 * @param <V> what the index offers (a view, a policy)
 */
public abstract class LatestValueStream<V> {
  protected final ServerCallStreamObserver<?> call;
  private AutoCloseable subscription;
  private V pending;
  private boolean closed;

  protected LatestValueStream(ServerCallStreamObserver<?> call) {
    this.call = call;
  }

  /** Registers the flow-control and cancellation handlers on the call; call before subscribing. */
  public final void attach() {
    call.setOnReadyHandler(this::drain);
    call.setOnCancelHandler(this::cancel);
    // After the stream ends itself (an error from send), cancel never comes; close does.
    call.setOnCloseHandler(this::cancel);
  }

  public final synchronized void offer(V value) {
    pending = value;
    drain();
  }

  final synchronized void drain() {
    while (!closed && pending != null && call.isReady()) {
      V next = pending;
      pending = null;
      send(next);
    }
  }

  /** Sends {@code value}; runs holding this stream's lock. May end the stream with {@link #failLocked}. */
  protected abstract void send(V value);

  /** Ends the stream with {@code status}, from within {@link #send}. */
  protected final void failLocked(Status status) {
    closed = true;
    call.onError(status.asRuntimeException());
  }

  // The index calls offer() holding its own lock, so closing a subscription (which takes the index
  // lock) must happen outside this stream's lock, or the two could deadlock.

  /** Hands over the index subscription; closes it at once if the client already went away. */
  public final void subscribed(AutoCloseable s) {
    boolean alreadyClosed;
    synchronized (this) {
      alreadyClosed = closed;
      subscription = s;
    }
    if (alreadyClosed) {
      closeQuietly(s);
    }
  }

  /** Ends the stream with {@code status} unless it already ended. */
  public final synchronized void fail(Status status) {
    if (!closed) {
      closed = true;
      call.onError(status.asRuntimeException());
    }
  }

  final void cancel() {
    AutoCloseable s;
    synchronized (this) {
      closed = true;
      s = subscription;
    }
    if (s != null) {
      closeQuietly(s);
    }
  }

  private static void closeQuietly(AutoCloseable s) {
    try {
      s.close();
    } catch (Exception e) {
      // Index subscriptions declare no checked exception; nothing useful to do with one here.
      throw new IllegalStateException("closing an index subscription failed", e);
    }
  }
}
