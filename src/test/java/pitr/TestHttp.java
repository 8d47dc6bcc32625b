package pitr;

import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;

/**
 * Netty HTTP clients for the tests' AWS clients, all on one shared set of network threads. A client
 * given threads of its own (the SDK's default) waits Netty's 2 s quiet period when closed, which
 * every test that closes a client paid; shared threads are daemons that end with the JVM, so
 * closing a client only closes its connections (as the command line's own clients do).
 */
public final class TestHttp {
  private static final SdkEventLoopGroup GROUP = SdkEventLoopGroup.builder().build();

  private TestHttp() {}

  /** A Netty HTTP client builder on the shared threads. */
  public static NettyNioAsyncHttpClient.Builder netty() {
    return NettyNioAsyncHttpClient.builder().eventLoopGroup(GROUP);
  }
}
