package pitr.cli;

import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;

/**
 * The one set of network threads every AWS client of the process shares. A client given its own
 * (the SDK's default) shuts them down when closed, waiting Netty's quiet period of 2 s for tasks
 * that never come: every pitr command spent 2 s at its end closing its client, and an in-process
 * run of many commands 2 s per command. Shared threads are daemons that end with the process, so
 * closing a client only closes its connections.
 */
final class EventLoops {
  private EventLoops() {}

  private static final class Shared {
    static final SdkEventLoopGroup GROUP = SdkEventLoopGroup.builder().build();
  }

  /** A Netty HTTP client builder on the shared threads. */
  static NettyNioAsyncHttpClient.Builder netty() {
    return NettyNioAsyncHttpClient.builder().eventLoopGroup(Shared.GROUP);
  }
}
