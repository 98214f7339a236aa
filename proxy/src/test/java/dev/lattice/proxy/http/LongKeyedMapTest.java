package dev.lattice.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LongKeyedMapTest {
  @Test
  void eachKeysValueIsMadeOnceAndKeptWhateverItsHighBits() {
    AtomicInteger made = new AtomicInteger();
    LongKeyedMap<String> map = new LongKeyedMap<>(key -> {
      made.incrementAndGet();
      return (key >>> 32) + "/" + (int) key;
    });
    long status503NoGrpc = (503L << 32) | 0xffffffffL;

    assertThat(map.get(status503NoGrpc)).isEqualTo("503/-1");
    assertThat(map.get(8080)).isEqualTo("0/8080");
    assertThat(map.get(status503NoGrpc)).isSameAs(map.get(status503NoGrpc));
    assertThat(made).hasValue(2);
    assertThat(map.values()).containsExactlyInAnyOrder("503/-1", "0/8080");
  }
}
