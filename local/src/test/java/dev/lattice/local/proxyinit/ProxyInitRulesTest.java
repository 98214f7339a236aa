package dev.lattice.local.proxyinit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ProxyInitRulesTest {
  /** Splits on spaces: none of proxy-init's arguments contain one. */
  private static IptablesCommand cmd(String line) {
    return new IptablesCommand(Arrays.asList(line.split(" ")));
  }

  private static List<IptablesCommand> cmds(String... lines) {
    return Stream.of(lines).map(ProxyInitRulesTest::cmd).toList();
  }

  @Test
  void defaultsOnAFreshTableAreLinkerdsCommandsInLinkerdsOrder() {
    assertThat(ProxyInitRules.install(ProxyInitConfig.defaults(), IpFamily.IPV4)).containsExactlyElementsOf(cmds(
        "-t nat -N PROXY_INIT_REDIRECT",
        "-t nat -A PROXY_INIT_REDIRECT -p tcp --match multiport --dports 4190,4191,4567,4568 -j RETURN"
            + " -m comment --comment proxy-init/ignore-port-4190,4191,4567,4568",
        "-t nat -A PROXY_INIT_REDIRECT -p tcp -j REDIRECT --to-port 4143"
            + " -m comment --comment proxy-init/redirect-all-incoming-to-proxy-port",
        "-t nat -A PREROUTING -j PROXY_INIT_REDIRECT -m comment --comment proxy-init/install-proxy-init-prerouting",
        "-t nat -N PROXY_INIT_OUTPUT",
        "-t nat -A PROXY_INIT_OUTPUT -m owner --uid-owner 2102 -j RETURN"
            + " -m comment --comment proxy-init/ignore-proxy-user-id",
        "-t nat -A PROXY_INIT_OUTPUT -o lo -j RETURN -m comment --comment proxy-init/ignore-loopback",
        "-t nat -A PROXY_INIT_OUTPUT -p tcp --match multiport --dports 4567,4568 -j RETURN"
            + " -m comment --comment proxy-init/ignore-port-4567,4568",
        "-t nat -A PROXY_INIT_OUTPUT -p tcp -j REDIRECT --to-port 4140"
            + " -m comment --comment proxy-init/redirect-all-outgoing-to-proxy-port",
        "-t nat -A OUTPUT -j PROXY_INIT_OUTPUT -m comment --comment proxy-init/install-proxy-init-output"));
  }

  @Test
  void existingChainsAreFlushedAndExistingJumpsNotAddedAgain() {
    NatTableState installed = new NatTableState(true, true, true, true);
    List<IptablesCommand> commands = ProxyInitRules.install(ProxyInitConfig.defaults(), IpFamily.IPV4, installed);

    assertThat(commands.getFirst()).isEqualTo(cmd("-t nat -F PROXY_INIT_REDIRECT"));
    assertThat(commands).contains(cmd("-t nat -F PROXY_INIT_OUTPUT"));
    assertThat(commands).noneMatch(c -> c.args().contains("-N"));
    assertThat(commands).noneMatch(c -> c.args().contains("PREROUTING") || c.args().contains("OUTPUT"));
    assertThat(commands).hasSize(8);
  }

  @Test
  void onlyTheMissingJumpIsAdded() {
    NatTableState chainsButNoJumps = new NatTableState(true, true, false, true);
    List<IptablesCommand> commands =
        ProxyInitRules.install(ProxyInitConfig.defaults(), IpFamily.IPV4, chainsButNoJumps);

    assertThat(commands).contains(cmd(
        "-t nat -A PREROUTING -j PROXY_INIT_REDIRECT -m comment --comment proxy-init/install-proxy-init-prerouting"));
    assertThat(commands).noneMatch(c -> c.args().contains("OUTPUT") && c.args().contains("-A")
        && c.args().get(3).equals("OUTPUT"));
  }

  @Test
  void subnetsGidAndListedPortsFollowTheIgnoredPortsInOrder() {
    ProxyInitConfig config = ProxyInitConfig.defaults()
        .withSubnetsToIgnore(List.of("10.0.0.0/8", " 192.168.0.0/16", "fd00::/8"))
        .withProxyGid(2103)
        .withPortsToRedirect(List.of(8080, 9090));

    assertThat(ProxyInitRules.install(config, IpFamily.IPV4)).containsExactlyElementsOf(cmds(
        "-t nat -N PROXY_INIT_REDIRECT",
        "-t nat -A PROXY_INIT_REDIRECT -p tcp --match multiport --dports 4190,4191,4567,4568 -j RETURN"
            + " -m comment --comment proxy-init/ignore-port-4190,4191,4567,4568",
        "-t nat -A PROXY_INIT_REDIRECT -p all -j RETURN -s 10.0.0.0/8"
            + " -m comment --comment proxy-init/ignore-subnet-10.0.0.0/8",
        "-t nat -A PROXY_INIT_REDIRECT -p all -j RETURN -s 192.168.0.0/16"
            + " -m comment --comment proxy-init/ignore-subnet-192.168.0.0/16",
        "-t nat -A PROXY_INIT_REDIRECT -p tcp --destination-port 8080 -j REDIRECT --to-port 4143"
            + " -m comment --comment proxy-init/redirect-port-8080-to-proxy-port",
        "-t nat -A PROXY_INIT_REDIRECT -p tcp --destination-port 9090 -j REDIRECT --to-port 4143"
            + " -m comment --comment proxy-init/redirect-port-9090-to-proxy-port",
        "-t nat -A PREROUTING -j PROXY_INIT_REDIRECT -m comment --comment proxy-init/install-proxy-init-prerouting",
        "-t nat -N PROXY_INIT_OUTPUT",
        "-t nat -A PROXY_INIT_OUTPUT -m owner --uid-owner 2102 -j RETURN"
            + " -m comment --comment proxy-init/ignore-proxy-user-id",
        "-t nat -A PROXY_INIT_OUTPUT -m owner --gid-owner 2103 -j RETURN"
            + " -m comment --comment proxy-init/ignore-proxy-group-id",
        "-t nat -A PROXY_INIT_OUTPUT -o lo -j RETURN -m comment --comment proxy-init/ignore-loopback",
        "-t nat -A PROXY_INIT_OUTPUT -p tcp --match multiport --dports 4567,4568 -j RETURN"
            + " -m comment --comment proxy-init/ignore-port-4567,4568",
        "-t nat -A PROXY_INIT_OUTPUT -p tcp -j REDIRECT --to-port 4140"
            + " -m comment --comment proxy-init/redirect-all-outgoing-to-proxy-port",
        "-t nat -A OUTPUT -j PROXY_INIT_OUTPUT -m comment --comment proxy-init/install-proxy-init-output"));
  }

  @Test
  void ipv6RulesCarryOnlyIpv6Subnets() {
    ProxyInitConfig config = ProxyInitConfig.defaults().withSubnetsToIgnore(List.of("10.0.0.0/8", "fd00::/8"));

    List<IptablesCommand> v6 = ProxyInitRules.install(config, IpFamily.IPV6);

    assertThat(v6).contains(cmd(
        "-t nat -A PROXY_INIT_REDIRECT -p all -j RETURN -s fd00::/8 -m comment --comment proxy-init/ignore-subnet-fd00::/8"));
    assertThat(v6).noneMatch(c -> c.args().contains("10.0.0.0/8"));
  }

  @Test
  void noIgnoredPortsAndNoUidMeansNoSuchRules() {
    ProxyInitConfig config = new ProxyInitConfig(0, -1, 4143, 4140, List.of(), List.of(), List.of(), List.of(), false);

    assertThat(ProxyInitRules.install(config, IpFamily.IPV4)).containsExactlyElementsOf(cmds(
        "-t nat -N PROXY_INIT_REDIRECT",
        "-t nat -A PROXY_INIT_REDIRECT -p tcp -j REDIRECT --to-port 4143"
            + " -m comment --comment proxy-init/redirect-all-incoming-to-proxy-port",
        "-t nat -A PREROUTING -j PROXY_INIT_REDIRECT -m comment --comment proxy-init/install-proxy-init-prerouting",
        "-t nat -N PROXY_INIT_OUTPUT",
        "-t nat -A PROXY_INIT_OUTPUT -o lo -j RETURN -m comment --comment proxy-init/ignore-loopback",
        "-t nat -A PROXY_INIT_OUTPUT -p tcp -j REDIRECT --to-port 4140"
            + " -m comment --comment proxy-init/redirect-all-outgoing-to-proxy-port",
        "-t nat -A OUTPUT -j PROXY_INIT_OUTPUT -m comment --comment proxy-init/install-proxy-init-output"));
  }

  @Test
  void removalUnhooksFlushesThenDeletesBothChains() {
    assertThat(ProxyInitRules.remove()).containsExactlyElementsOf(cmds(
        "-t nat -D PREROUTING -j PROXY_INIT_REDIRECT -m comment --comment proxy-init/install-proxy-init-prerouting",
        "-t nat -D OUTPUT -j PROXY_INIT_OUTPUT -m comment --comment proxy-init/install-proxy-init-output",
        "-t nat -F PROXY_INIT_OUTPUT",
        "-t nat -F PROXY_INIT_REDIRECT",
        "-t nat -X PROXY_INIT_OUTPUT",
        "-t nat -X PROXY_INIT_REDIRECT"));
  }

  @Test
  void multiportGroupsHoldAtMostFifteenSlotsWithRangesCountingTwice() {
    List<PortRange> fits = Stream.of("22-23", "25-27", "33-34", "35-35", "37-38", "50-54", "56-57", "60-63")
        .map(PortRange::parse).toList();
    assertThat(ProxyInitRules.multiportGroups(fits)).singleElement()
        .satisfies(g -> assertThat(g.stream().map(PortRange::multiport).toList())
            .containsExactly("22:23", "25:27", "33:34", "35", "37:38", "50:54", "56:57", "60:63"));

    List<PortRange> overflows = Stream.of("22-23", "25-27", "33-34", "35", "37-38", "50-54", "56", "58", "60", "63",
        "70-72").map(PortRange::parse).toList();
    assertThat(ProxyInitRules.multiportGroups(overflows))
        .extracting(g -> g.stream().map(PortRange::multiport).toList())
        .containsExactly(
            List.of("22:23", "25:27", "33:34", "35", "37:38", "50:54", "56", "58", "60", "63"),
            List.of("70:72"));
  }

  @Test
  void sixteenSinglePortsNeedTwoRulesEachWithItsOwnComment() {
    List<PortRange> ports = java.util.stream.IntStream.rangeClosed(5001, 5016).mapToObj(PortRange::of).toList();
    ProxyInitConfig config = ProxyInitConfig.defaults().withOutboundPortsToIgnore(ports);

    List<IptablesCommand> ignore = ProxyInitRules.install(config, IpFamily.IPV4).stream()
        .filter(c -> c.args().contains("PROXY_INIT_OUTPUT") && c.args().contains("multiport")).toList();

    assertThat(ignore).hasSize(2);
    assertThat(ignore.get(0).args()).contains("5001,5002,5003,5004,5005,5006,5007,5008,5009,5010,5011,5012,5013,5014,5015",
        "proxy-init/ignore-port-5001,5002,5003,5004,5005,5006,5007,5008,5009,5010,5011,5012,5013,5014,5015");
    assertThat(ignore.get(1).args()).contains("5016", "proxy-init/ignore-port-5016");
  }

  @Test
  void commandsRenderAsShellText() {
    assertThat(ProxyInitRules.remove().getFirst()).hasToString(
        "-t nat -D PREROUTING -j PROXY_INIT_REDIRECT -m comment --comment proxy-init/install-proxy-init-prerouting");
    assertThat(IptablesCommand.of("-m", "comment", "--comment", "a b")).hasToString("-m comment --comment \"a b\"");
  }
}
