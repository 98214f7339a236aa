package dev.lattice.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class MatchersTest {
  @ParameterizedTest
  @CsvSource({
    "/api, /api, 4", "/api, /api/, 4", "/api, /api/x, 4", "/api, /apix, -1", "/api/, /api, 5",
    "/, /anything, 1", "/api, /ap, -1"
  })
  void prefixMatchesWholeSegments(String prefix, String path, int length) {
    assertThat(new PathMatch.Prefix(prefix).matchLength(path)).isEqualTo(length);
  }

  @Test
  void regexMustMatchTheWholePath() {
    assertThat(PathMatch.Regex.of("/orders/[0-9]+").matchLength("/orders/17")).isEqualTo(10);
    assertThat(PathMatch.Regex.of("/orders/[0-9]+").matchLength("/orders/17/x")).isEqualTo(-1);
  }

  @ParameterizedTest
  @CsvSource({
    "10.0.0.0/8, 10.255.1.2, true", "10.0.0.0/8, 11.0.0.1, false", "10.1.0.30, 10.1.0.30, true",
    "10.1.0.30, 10.1.0.31, false", "fd00::/8, fd12::1, true", "fd00::/8, 10.0.0.1, false",
    "0.0.0.0/0, ::1, false", "::/0, ::1, true", "2001:db8::/96, 2001:db8::ffff:1, true",
    "2001:db8::/96, 2001:db8:0:0:1::1, false"
  })
  void cidrContains(String cidr, String ip, boolean contains) {
    assertThat(Cidr.parse(cidr).contains(Ip.parse(ip))).isEqualTo(contains);
  }

  @ParameterizedTest
  @CsvSource({"::1, ::1", "fd00::, fd00::", "::, ::", "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
      "2001:0db8:0000:0000:0000:0000:0002:0001, 2001:db8::2:1", "1:0:1:0:1:0:1:0, 1:0:1:0:1:0:1:0", "10.1.0.30, 10.1.0.30"})
  void ipsPrintInTheirShortForm(String ip, String printed) {
    assertThat(Ip.parse(ip)).hasToString(printed);
  }

  @Test
  void exceptApplesToItsOwnEntryOnly() {
    Authorization a = new Authorization(Meta.ofDefault("x"),
        List.of(Network.parse("10.0.0.0/8", "10.2.0.0/16"), Network.parse("10.2.0.9/32")),
        new Authentication.Unauthenticated());
    assertThat(a.admits(Client.plaintext("10.1.0.1"))).isTrue();
    assertThat(a.admits(Client.plaintext("10.2.0.5"))).isFalse();
    assertThat(a.admits(Client.plaintext("10.2.0.9"))).isTrue();
  }

  @Test
  void badCidrsAreNamed() {
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("not a valid CIDR or IP address");
    assertThatThrownBy(() -> Cidr.parse("web")).hasMessageContaining("not a valid CIDR or IP address");
  }

  @ParameterizedTest
  @CsvSource({
    "*, a.b.serviceaccount.identity.linkerd.cluster.local, true",
    "*, '', false",
    "*.cluster.local, a.b.c.cluster.local, true",
    "*.cluster.local, cluster.local, false",
    "*.shop.serviceaccount.identity.linkerd.cluster.local, ci.myshop.serviceaccount.identity.linkerd.cluster.local, false",
    "*.shop.serviceaccount.identity.linkerd.cluster.local, web.shop.serviceaccount.identity.linkerd.cluster.local, true",
    "*.example.org, spiffe://example.org/web, false",
    "spiffe://example.org/web, spiffe://example.org/web, true",
    "Web.shop, web.shop, false"
  })
  void identityPatterns(String pattern, String identity, boolean matches) {
    assertThat(Authentication.Identities.of(List.of(pattern)).matches(identity)).isEqualTo(matches);
  }

  @Test
  void queryParamsMatchAnyOccurrenceExactly() {
    QueryParamMatch m = new QueryParamMatch("format", ValueMatch.exact("csv"));
    assertThat(m.matches("format=csv")).isTrue();
    assertThat(m.matches("limit=5&format=csv")).isTrue();
    assertThat(m.matches("format=json")).isFalse();
    assertThat(m.matches("xformat=csv")).isFalse();
    assertThat(m.matches("")).isFalse();
  }

  @Test
  void headerNamesAreCaseInsensitiveAndValuesAreNot() {
    HeaderMatch m = new HeaderMatch("X-Tenant", ValueMatch.exact("blue"));
    assertThat(m.matches(Headers.of("x-tenant", "blue"))).isTrue();
    assertThat(m.matches(Headers.of("X-TENANT", "red", "x-tenant", "blue"))).isTrue();
    assertThat(m.matches(Headers.of("x-tenant", "Blue"))).isFalse();
  }

  @Test
  void hostRanksExactOverWildcard() {
    assertThat(HostMatch.parse("a.example.com").rank("a.example.com"))
        .isGreaterThan(HostMatch.parse("*.example.com").rank("a.example.com"));
    assertThat(HostMatch.parse("*.example.com").rank("example.com")).isEqualTo(-1);
  }

  @Test
  void grpcRoutesMatchPostServiceMethod() {
    Route get = new Route(Meta.of("gateway.networking.k8s.io", "GRPCRoute", "get"), List.of(),
        List.of(new Route.Rule(List.of(new RouteMatch.Grpc("shop.Orders", "Get", List.of())))), List.of());
    Evaluator e = Evaluator.of(new PortPolicy(Meta.of("policy.linkerd.io", "server", "g"), ProxyProtocol.GRPC,
        List.of(DefaultPolicy.ALL_UNAUTHENTICATED.authorization(List.of()).orElseThrow()), List.of(get)));
    assertThat(e.decide(Client.plaintext("10.1.0.30"), Request.grpc("shop.Orders", "Get")).route()).isEqualTo(get.meta());
    Decision miss = e.decide(Client.plaintext("10.1.0.30"), Request.grpc("shop.Orders", "Create"));
    assertThat(miss.outcome()).isEqualTo(Decision.Outcome.NO_ROUTE);
    assertThat(miss.response()).isEqualTo(Decision.Response.GRPC_NOT_FOUND);
    assertThat(e.decide(Client.plaintext("10.1.0.30"), Request.grpc("shop.Order", "Get")).outcome())
        .isEqualTo(Decision.Outcome.NO_ROUTE);
  }

  @Test
  void loopbackIsAlwaysAdmittedLast() {
    Evaluator e = Evaluator.of(PortPolicy.ofDefault(DefaultPolicy.DENY, List.of(), false, List.of(), List.of()));
    Decision d = e.decide(Client.plaintext("127.0.0.1"), Request.of("GET", "/"));
    assertThat(d.allowed()).isTrue();
    assertThat(d.authorization()).isEqualTo(Meta.ofDefault("localhost"));
    assertThat(e.decide(Client.plaintext("::1")).allowed()).isTrue();
    assertThat(e.decide(Client.plaintext("10.0.0.1")).response()).isEqualTo(Decision.Response.CLOSE);
  }
}
