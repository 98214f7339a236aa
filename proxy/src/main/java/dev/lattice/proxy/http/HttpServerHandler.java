package dev.lattice.proxy.http;

import dev.lattice.proxy.listen.Drain;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The client-facing end of the HTTP proxy: one per HTTP/1 connection (requests one after another,
 * pipelined ones held until their turn) or one per HTTP/2 stream. Each request becomes an
 * {@link Exchange}. Malformed requests get a 400 and the connection closes; a drain closes an
 * HTTP/1 connection once its in-flight response is done.
 */
public final class HttpServerHandler extends ChannelInboundHandlerAdapter {
  private final HttpRoutes routes;
  private final boolean http2Stream;
  private final ArrayDeque<Object> queued = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private Exchange current;
  private boolean closeWhenIdle;

  public HttpServerHandler(HttpRoutes routes, boolean http2Stream) {
    this.routes = routes;
    this.http2Stream = http2Stream;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (current != null && queued.isEmpty() && current.absorbTail(msg)) {
      return;
    }
    if (current != null && current.requestDone() || !queued.isEmpty()) {
      queued.add(msg);
      ctx.channel().config().setAutoRead(false);
      return;
    }
    dispatch(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (current != null) {
      current.flushUp();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (current != null) {
      current.downWritabilityChanged();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (current != null) {
      current.downClosed();
      current = null;
    }
    Object m;
    while ((m = queued.poll()) != null) {
      ReferenceCountUtil.release(m);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == Drain.SIGNAL && !http2Stream) {
      if (current == null) {
        ctx.close();
      } else {
        closeWhenIdle = true;
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /** The exchange finished; {@code reusable} says whether the client connection may carry more. */
  void exchangeDone(Exchange exchange, boolean reusable) {
    if (exchange != current) {
      return;
    }
    current = null;
    if (http2Stream) {
      if (!reusable) {
        // Response ended before the request body: reset the rest of the stream.
        ctx.channel().close();
      }
      return;
    }
    if (!reusable || closeWhenIdle) {
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.channel().config().setAutoRead(true);
    while (current == null && !queued.isEmpty()) {
      dispatch(queued.poll());
    }
    if (current != null && current.requestDone()) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  /** The upstream broke mid-response: nothing valid can follow on this connection or stream. */
  void exchangeAborted(Exchange exchange) {
    if (exchange == current) {
      current = null;
    }
    ctx.channel().close();
  }

  private void dispatch(Object msg) {
    if (current == null) {
      if (msg instanceof HttpRequest request) {
        if (request.decoderResult().isFailure()) {
          ReferenceCountUtil.release(msg);
          badRequest();
          return;
        }
        FullHttpResponse refusal = routes.refuse(request);
        if (refusal != null) {
          refuse(request, refusal);
          return;
        }
        current = new Exchange(this, ctx, http2Stream, routes);
        current.start(request);
        return;
      }
      // Content without a request: the tail of one we rejected or finished early.
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpContent content) {
      if (content.decoderResult().isFailure()) {
        content.release();
        ctx.channel().close();
        return;
      }
      current.requestContent(content);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  /**
   * Answers {@code request} without forwarding it. The connection stays usable (its body, if any, is
   * dropped as it arrives) unless the client or the refusal asked to close.
   */
  private void refuse(HttpRequest request, FullHttpResponse response) {
    boolean close = !http2Stream && (closeWhenIdle || !HttpUtil.isKeepAlive(request)
        || response.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true));
    ReferenceCountUtil.release(request);
    var written = ctx.writeAndFlush(response);
    if (close) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void badRequest() {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST, Unpooled.EMPTY_BUFFER);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
