package dev.lattice.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class KnownHeaderNamesTest {
  @Test
  void findsTheLowerCaseConstantWhateverTheCase() {
    assertThat(known("Content-Type")).isSameAs(HttpHeaderNames.CONTENT_TYPE);
    assertThat(known("CONTENT-LENGTH")).isSameAs(HttpHeaderNames.CONTENT_LENGTH);
    assertThat(known("x-Forwarded-For")).hasToString("x-forwarded-for");
    for (String name : new String[] {"date", "server", "transfer-encoding", "set-cookie", "te", "via"}) {
      assertThat(known(name.toUpperCase(Locale.ROOT))).hasToString(name);
    }
  }

  @Test
  void anythingElseIsNotKnown() {
    assertThat(known("X-Request-Id")).isNull();
    assertThat(known("Content-Typ")).isNull();
    assertThat(known("Content-Type-")).isNull();
    assertThat(known("")).isNull();
  }

  /** As Object: AssertJ cannot choose between AsciiString's CharSequence and Comparable faces. */
  private static Object known(String name) {
    return KnownHeaderNames.lookup(name);
  }
}
