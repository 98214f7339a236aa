package dev.lattice.proxy.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.proxy.testing.Http1Wire;
import dev.lattice.proxy.testing.PolicyMesh;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An HTTP/1.1 upgrade request (WebSocket) between meshed workloads is authorized by the server's
 * policy like any request, with the client's mesh identity: a client the policy refuses gets 403
 * and no tunnel; an admitted one reaches the app, and when the app does not switch protocols the
 * connection stays HTTP, each later request authorized again.
 */
class UpgradePolicyTest {
  private static final String UPGRADE = "GET /hello HTTP/1.1\r\nHost: web\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

  @Test
  void theServersPolicyDecidesUpgradesByTheClientsMeshIdentity() throws Exception {
    try (PolicyMesh mesh = new PolicyMesh()) {
      mesh.apply("""
          apiVersion: policy.linkerd.io/v1beta3
          kind: Server
          metadata: {name: web-http, namespace: shop}
          spec: {podSelector: {matchLabels: {app: web}}, port: http, proxyProtocol: HTTP/1}
          ---
          apiVersion: policy.linkerd.io/v1alpha1
          kind: AuthorizationPolicy
          metadata: {name: web-sa-frontend, namespace: shop}
          spec:
            targetRef: {group: policy.linkerd.io, kind: Server, name: web-http}
            requiredAuthenticationRefs: [{kind: ServiceAccount, name: frontend}]
          """);
      mesh.awaitServer(mesh.http.port(), "web-http", "web-sa-frontend");
      Map<String, String> reportsDenied = Map.of("srv_name", "web-http", "client_id", PolicyMesh.M2.value());

      try (Socket reports = connect(mesh.via(mesh.reports, mesh.http.port()))) {
        reports.getOutputStream().write(UPGRADE.getBytes(StandardCharsets.US_ASCII));
        Http1Wire.Message refused = Http1Wire.readResponse(reports.getInputStream(), "GET");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.header("upgrade")).isNull();
      }
      assertThat(mesh.metric("inbound_http_authz_deny_total", reportsDenied)).isEqualTo(1);

      try (Socket frontend = connect(mesh.via(mesh.frontend, mesh.http.port()))) {
        OutputStream out = frontend.getOutputStream();
        InputStream in = frontend.getInputStream();
        out.write(UPGRADE.getBytes(StandardCharsets.US_ASCII));
        Http1Wire.Message answered = Http1Wire.readResponse(in, "GET");
        assertThat(answered.status()).as("the app answered without switching").isEqualTo(200);
        assertThat(answered.header("x-seen-client-id")).isEqualTo(PolicyMesh.M1.value());

        out.write("GET /hello HTTP/1.1\r\nHost: web\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(Http1Wire.readResponse(in, "GET").status()).isEqualTo(200);
      }
      assertThat(mesh.metric("inbound_http_authz_allow_total",
          Map.of("srv_name", "web-http", "client_id", PolicyMesh.M1.value()))).isEqualTo(2);
    }
  }

  private static Socket connect(InetSocketAddress entry) throws Exception {
    Socket s = new Socket(entry.getAddress(), entry.getPort());
    s.setSoTimeout(10_000);
    return s;
  }
}
