package pitr.local.ops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import pitr.local.Errors;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.dynamodb.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * The ClientRequestTokens of the transactions applied in the last ten minutes, as DynamoDB keeps
 * them: a TransactWriteItems that repeats one with the same parameters is a retry, answered without
 * writing again; one that reuses it with other parameters is refused with
 * IdempotentParameterMismatchException. A token counts from when its transaction was applied; a
 * transaction that was cancelled or refused records none, so its retry is evaluated afresh. Held in
 * memory only (a restarted engine forgets them), each as its token and a SHA-256 digest of the
 * request's other parameters, about 200 bytes, and at most {@value #MAX_HELD}: under a load of more
 * transactions than that in ten minutes, the oldest are forgotten early. Used under the engine's
 * write lock.
 */
final class TransactionTokens {
  /** How long a token is remembered after its transaction was applied. */
  static final Duration WINDOW = Duration.ofMinutes(10);

  /** Tokens held at most. */
  static final int MAX_HELD = 100_000;

  private static final String TOKEN = "ClientRequestToken";

  private record Applied(String token, byte[] digest, long at) {}

  private final Clock clock;
  private final int maxHeld;
  private final Map<String, Applied> byToken = new HashMap<>();

  /** Oldest first, to forget the expired ones. */
  private final ArrayDeque<Applied> order = new ArrayDeque<>();

  TransactionTokens(Clock clock) {
    this(clock, MAX_HELD);
  }

  TransactionTokens(Clock clock, int maxHeld) {
    this.clock = clock;
    this.maxHeld = maxHeld;
  }

  /**
   * Whether {@code r} repeats a transaction applied with its token within the window (nothing is to
   * be written); false for a request without a token or with a new one.
   *
   * @throws IdempotentParameterMismatchException when the token was applied with other parameters
   */
  boolean isRetry(TransactWriteItemsRequest r) {
    forgetExpired();
    String token = r.clientRequestToken();
    Applied before = token == null ? null : byToken.get(token);
    if (before == null) {
      return false;
    }
    if (!Arrays.equals(before.digest, digest(r))) {
      throw (IdempotentParameterMismatchException)
          Errors.build(
              IdempotentParameterMismatchException.builder(),
              "IdempotentParameterMismatchException",
              "ClientRequestToken "
                  + token
                  + " was used in the last "
                  + WINDOW.toMinutes()
                  + " minutes by a TransactWriteItems with other parameters; use a new token for"
                  + " a different transaction",
              400);
    }
    return true;
  }

  /** Remembers that {@code r}, which carries a token, was applied now. */
  void applied(TransactWriteItemsRequest r) {
    String token = r.clientRequestToken();
    if (token == null) {
      return;
    }
    Applied a = new Applied(token, digest(r), clock.millis());
    byToken.put(token, a);
    order.addLast(a);
    while (order.size() > maxHeld) {
      Applied oldest = order.removeFirst();
      byToken.remove(oldest.token, oldest);
    }
  }

  private void forgetExpired() {
    long oldest = clock.millis() - WINDOW.toMillis();
    while (!order.isEmpty() && order.peekFirst().at <= oldest) {
      Applied a = order.removeFirst();
      byToken.remove(a.token, a);
    }
  }

  /** A digest of every parameter of {@code r} but its token, the same however maps are ordered. */
  static byte[] digest(TransactWriteItemsRequest r) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    feed(md, r);
    return md.digest();
  }

  private static void feed(MessageDigest md, Object v) {
    if (v == null) {
      md.update((byte) 0);
    } else if (v instanceof SdkPojo pojo) {
      md.update((byte) 1);
      for (SdkField<?> f : pojo.sdkFields()) {
        if (f.memberName().equals(TOKEN)) {
          // Read, it would be made up afresh where unset (the SDK fills idempotency tokens in).
          continue;
        }
        text(md, f.memberName());
        feed(md, f.getValueOrDefault(pojo));
      }
    } else if (v instanceof List<?> list) {
      md.update((byte) 2);
      text(md, Integer.toString(list.size()));
      list.forEach(e -> feed(md, e));
    } else if (v instanceof Map<?, ?> map) {
      md.update((byte) 3);
      text(md, Integer.toString(map.size()));
      new TreeMap<>(map)
          .forEach(
              (k, e) -> {
                feed(md, k);
                feed(md, e);
              });
    } else if (v instanceof SdkBytes bytes) {
      md.update((byte) 4);
      byte[] b = bytes.asByteArrayUnsafe();
      text(md, Integer.toString(b.length));
      md.update(b);
    } else {
      md.update((byte) 5);
      text(md, v.toString());
    }
  }

  private static void text(MessageDigest md, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    md.update((byte) (b.length >>> 24));
    md.update((byte) (b.length >>> 16));
    md.update((byte) (b.length >>> 8));
    md.update((byte) b.length);
    md.update(b);
  }
}
