package dev.lattice.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.function.Function;

/**
 * One multiplexed HTTP/2 connection to an endpoint (a peer proxy over mTLS, or the local app over
 * h2c), opened on first use and replaced when it closes or the server sends GOAWAY. Every request
 * is a new stream on it, written at frame level ({@link H2Client}).
 */
public final class H2Upstream implements Upstream {
  private final Function<EventLoop, Future<Channel>> connect;
  private final EventLoop home;
  private volatile Future<H2Client> connection;

  /**
   * @param connect opens the raw connection (TLS done, transport header written), not reading yet
   * @param home the event loop the shared connection lives on
   */
  public H2Upstream(Function<EventLoop, Future<Channel>> connect, EventLoop home) {
    this.connect = connect;
    this.home = home;
  }

  @Override
  public boolean isHttp2() {
    return true;
  }

  @Override
  public UpstreamCall send(Http2Headers head, boolean endOfStream, ResponseListener listener) {
    H2Client.Call call = new H2Client.Call(listener, home);
    Future<H2Client> conn = connection();
    if (conn.isSuccess()) {
      conn.getNow().start(call, head, endOfStream);
    } else {
      conn.addListener(f -> {
        if (f.isSuccess()) {
          conn.getNow().start(call, head, endOfStream);
        } else {
          call.connectFailed(f.cause());
        }
      });
    }
    return call;
  }

  /** Closes the shared connection (GOAWAY), e.g. on shutdown. */
  @Override
  public synchronized void close() {
    if (connection != null && connection.isSuccess()) {
      connection.getNow().close();
    }
    connection = null;
  }

  /** The shared connection; once it is up, taken without a lock (this runs once per request). */
  private Future<H2Client> connection() {
    Future<H2Client> c = connection;
    if (c != null && c.isSuccess() && c.getNow().usable()) {
      return c;
    }
    return connectionLocked();
  }

  private synchronized Future<H2Client> connectionLocked() {
    Future<H2Client> c = connection;
    if (c != null && (!c.isDone() || (c.isSuccess() && c.getNow().usable()))) {
      return c;
    }
    Promise<H2Client> ready = home.newPromise();
    connection = ready;
    connect.apply(home).addListener(f -> {
      if (!f.isSuccess()) {
        forget(ready);
        ready.tryFailure(f.cause());
        return;
      }
      Channel ch = (Channel) f.getNow();
      ch.eventLoop().execute(() -> {
        H2Client client = H2Client.install(ch, () -> forget(ready));
        ready.trySuccess(client);
      });
    });
    return ready;
  }

  private synchronized void forget(Future<H2Client> which) {
    if (connection == which) {
      connection = null;
    }
  }
}
