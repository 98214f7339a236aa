package dev.lattice.proxy.http;

import io.netty.channel.EventLoop;

/** Runs work on the event loop that owns the state it touches: inline when already there. */
final class Loops {
  private Loops() {}

  static void run(EventLoop loop, Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
    } else {
      loop.execute(task);
    }
  }
}
