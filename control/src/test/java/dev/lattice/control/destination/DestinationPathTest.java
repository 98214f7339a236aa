package dev.lattice.control.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DestinationPathTest {
  @ParameterizedTest
  @CsvSource({
    "web-svc.emojivoto.svc.cluster.local:8080, emojivoto, web-svc, 8080",
    "web-svc.emojivoto.svc.cluster.local, emojivoto, web-svc, 80",
    "Web-Svc.Emojivoto.svc.cluster.local.:81, emojivoto, web-svc, 81",
    "web-svc.emojivoto:9090, emojivoto, web-svc, 9090",
    "web-svc.emojivoto, emojivoto, web-svc, 80",
  })
  void acceptsServiceNames(String path, String namespace, String name, int port) throws Exception {
    assertThat(DestinationPath.parse(path, "cluster.local"))
        .isEqualTo(new Target.ServiceName(namespace, name, port));
  }

  @ParameterizedTest
  @CsvSource({
    "10.96.0.10:80, 10.96.0.10, 80",
    "10.96.0.10, 10.96.0.10, 80",
    "'[fd00::1]:8080', fd00::1, 8080",
    "fd00::1, fd00::1, 80",
  })
  void acceptsIpLiterals(String path, String ip, int port) throws Exception {
    assertThat(DestinationPath.parse(path, "cluster.local"))
        .isEqualTo(new Target.VirtualIp(InetAddress.ofLiteral(ip), port));
  }

  @ParameterizedTest
  @CsvSource({
    "web-svc.emojivoto.svc.cluster.local:0, port '0' (expected: 1-65535)",
    "web-svc.emojivoto.svc.cluster.local:http, port 'http' (expected: 1-65535)",
    "web-svc.emojivoto.svc.other.domain:80, expected <svc>.<ns>.svc.cluster.local:<port>",
    "web-svc:80, expected <svc>.<ns>.svc.cluster.local:<port>",
    "a.b.c.d.e:80, expected <svc>.<ns>.svc.cluster.local:<port>",
    "web-0.web-svc.emojivoto.svc.cluster.local:80, pod hostname queries",
    ":80, no host",
    "'', no host",
    "'[fd00::1:80', unclosed '['",
    "10.96.0.300:80, not an IP address",
  })
  void rejectsMalformedPaths(String path, String reason) {
    assertThatThrownBy(() -> DestinationPath.parse(path, "cluster.local"))
        .isInstanceOf(InvalidDestinationException.class)
        .hasMessageStartingWith("invalid path '" + path + "'")
        .hasMessageContaining(reason);
  }
}
