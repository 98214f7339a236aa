package dev.lattice.proxy.policy;

import com.google.protobuf.MessageOrBuilder;
import dev.lattice.api.grpc.GrpcRouteMatch;
import dev.lattice.api.http.HttpMethod;
import dev.lattice.api.http.HttpRouteMatch;
import dev.lattice.api.inbound.Authn;
import dev.lattice.api.inbound.Authz;
import dev.lattice.api.inbound.GrpcRoute;
import dev.lattice.api.inbound.HttpRoute;
import dev.lattice.api.inbound.IdentitySuffix;
import dev.lattice.api.inbound.ProxyProtocol;
import dev.lattice.api.inbound.Server;
import dev.lattice.api.meta.Metadata;
import dev.lattice.api.net.IPAddress;
import dev.lattice.api.net.IPNetwork;
import dev.lattice.policy.Authentication;
import dev.lattice.policy.Authorization;
import dev.lattice.policy.Cidr;
import dev.lattice.policy.HeaderMatch;
import dev.lattice.policy.HostMatch;
import dev.lattice.policy.Ip;
import dev.lattice.policy.Meta;
import dev.lattice.policy.Network;
import dev.lattice.policy.PathMatch;
import dev.lattice.policy.PortPolicy;
import dev.lattice.policy.QueryParamMatch;
import dev.lattice.policy.Route;
import dev.lattice.policy.RouteMatch;
import dev.lattice.policy.ValueMatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Decodes the policy service's {@code Server} into a {@link PortPolicy}. Decoding is strict: anything
 * the proxy could not enforce exactly — a missing field Linkerd requires, an authorization without
 * networks, a bad regex, a route filter or rate limit Lattice does not implement — makes the whole
 * server invalid, and the caller installs the invalid policy (spec §2.5) instead of a guess.
 *
 * <p>Linkerd's proxy drops an empty route list in favour of a synthetic {@code default} route; so does
 * this. The implicit {@code default:localhost} authorization is not added here: the evaluator always
 * tries it last.
 */
public final class ProtoPolicies {
  /** The metadata names Linkerd's proxy gives its own invalid policy. */
  public static final Meta INVALID_SERVER = Meta.ofDefault("invalid");

  private ProtoPolicies() {}

  /**
   * The policy {@code server} describes.
   *
   * @throws InvalidServerException naming the first problem found
   */
  public static PortPolicy decode(Server server) throws InvalidServerException {
    Meta meta = serverMeta(server.getLabelsMap());
    List<Authorization> authz = authorizations(server.getAuthorizationsList(), "authorizations");
    ProxyProtocol protocol = server.getProtocol();
    rejectUnknown(protocol, "protocol");
    return switch (protocol.getKindCase()) {
      case DETECT -> {
        ProxyProtocol.Detect detect = protocol.getDetect();
        rejectUnknown(detect, "protocol.detect (http_local_rate_limit is not supported)");
        if (!detect.hasTimeout()) {
          throw new InvalidServerException("protocol.detect.timeout is missing");
        }
        yield new PortPolicy(meta, dev.lattice.policy.ProxyProtocol.DETECT, authz,
            httpRoutes(detect.getHttpRoutesList(), "protocol.detect.http_routes"));
      }
      case HTTP1 -> {
        rejectUnknown(protocol.getHttp1(), "protocol.http1 (local_rate_limit is not supported)");
        yield new PortPolicy(meta, dev.lattice.policy.ProxyProtocol.HTTP1, authz,
            httpRoutes(protocol.getHttp1().getRoutesList(), "protocol.http1.routes"));
      }
      case HTTP2 -> {
        rejectUnknown(protocol.getHttp2(), "protocol.http2 (local_rate_limit is not supported)");
        yield new PortPolicy(meta, dev.lattice.policy.ProxyProtocol.HTTP2, authz,
            httpRoutes(protocol.getHttp2().getRoutesList(), "protocol.http2.routes"));
      }
      case GRPC -> {
        rejectUnknown(protocol.getGrpc(), "protocol.grpc (local_rate_limit is not supported)");
        yield new PortPolicy(meta, dev.lattice.policy.ProxyProtocol.GRPC, authz,
            grpcRoutes(protocol.getGrpc().getRoutesList()));
      }
      case OPAQUE -> new PortPolicy(meta, dev.lattice.policy.ProxyProtocol.OPAQUE, authz, List.of());
      case TLS -> new PortPolicy(meta, dev.lattice.policy.ProxyProtocol.TLS, authz, List.of());
      case KIND_NOT_SET -> throw new InvalidServerException("protocol is missing");
    };
  }

  // ---- names

  private static Meta serverMeta(Map<String, String> labels) throws InvalidServerException {
    String name = labels.get("name");
    if (name == null || name.isEmpty()) {
      throw new InvalidServerException("labels has no name");
    }
    // As Linkerd: a server whose labels omit group or kind is a Server resource.
    return Meta.of(labels.getOrDefault("group", Meta.POLICY_GROUP), labels.getOrDefault("kind", "server"), name);
  }

  private static Meta meta(Metadata metadata, String where) throws InvalidServerException {
    return switch (metadata.getKindCase()) {
      case DEFAULT -> {
        if (metadata.getDefault().isEmpty()) {
          throw new InvalidServerException(where + ".metadata.default is empty");
        }
        yield Meta.ofDefault(metadata.getDefault());
      }
      case RESOURCE -> {
        if (metadata.getResource().getName().isEmpty() || metadata.getResource().getKind().isEmpty()) {
          throw new InvalidServerException(where + ".metadata.resource needs a kind and a name");
        }
        yield Meta.of(metadata.getResource().getGroup(), metadata.getResource().getKind(),
            metadata.getResource().getName());
      }
      case KIND_NOT_SET -> throw new InvalidServerException(where + ".metadata is missing");
    };
  }

  // ---- authorizations

  private static List<Authorization> authorizations(List<Authz> list, String where) throws InvalidServerException {
    List<Authorization> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      out.add(authorization(list.get(i), where + "[" + i + "]"));
    }
    return out;
  }

  private static Authorization authorization(Authz authz, String where) throws InvalidServerException {
    Meta meta;
    if (authz.hasMetadata()) {
      meta = meta(authz.getMetadata(), where);
    } else {
      // Older controllers send only labels.
      Map<String, String> labels = authz.getLabelsMap();
      String name = labels.get("name");
      if (name == null || name.isEmpty()) {
        throw new InvalidServerException(where + " has neither metadata nor a name label");
      }
      meta = Meta.of(labels.getOrDefault("group", ""), labels.getOrDefault("kind", "default"), name);
    }
    if (authz.getNetworksCount() == 0) {
      throw new InvalidServerException(where + " (" + meta + ") has no networks");
    }
    List<Network> networks = new ArrayList<>(authz.getNetworksCount());
    for (int i = 0; i < authz.getNetworksCount(); i++) {
      dev.lattice.api.inbound.Network n = authz.getNetworks(i);
      String at = where + ".networks[" + i + "]";
      if (!n.hasNet()) {
        throw new InvalidServerException(at + ".net is missing");
      }
      List<Cidr> except = new ArrayList<>();
      for (int j = 0; j < n.getExceptCount(); j++) {
        except.add(cidr(n.getExcept(j), at + ".except[" + j + "]"));
      }
      networks.add(new Network(cidr(n.getNet(), at + ".net"), except));
    }
    return new Authorization(meta, networks, authentication(authz, where));
  }

  private static Authentication authentication(Authz authz, String where) throws InvalidServerException {
    Authn authn = authz.getAuthentication();
    return switch (authn.getPermitCase()) {
      case UNAUTHENTICATED -> new Authentication.Unauthenticated();
      case MESHTLS -> switch (authn.getMeshTLS().getClientsCase()) {
        case UNAUTHENTICATED -> new Authentication.MeshTls();
        case IDENTITIES -> {
          Authn.PermitMeshTLS.PermitClientIdentities ids = authn.getMeshTLS().getIdentities();
          Set<String> exact = new LinkedHashSet<>();
          for (var id : ids.getIdentitiesList()) {
            if (id.getName().isEmpty()) {
              throw new InvalidServerException(where + ".authentication has an empty identity");
            }
            exact.add(id.getName());
          }
          List<String> suffixes = new ArrayList<>();
          for (IdentitySuffix s : ids.getSuffixesList()) {
            if (s.getPartsList().stream().anyMatch(String::isEmpty)) {
              throw new InvalidServerException(where + ".authentication has a suffix with an empty part");
            }
            suffixes.add(String.join(".", s.getPartsList()));
          }
          yield new Authentication.Identities(exact, suffixes);
        }
        case CLIENTS_NOT_SET -> throw new InvalidServerException(where + ".authentication.meshTLS.clients is missing");
      };
      case PERMIT_NOT_SET -> throw new InvalidServerException(where + ".authentication is missing");
    };
  }

  private static Cidr cidr(IPNetwork net, String where) throws InvalidServerException {
    Ip ip = ip(net.getIp(), where);
    if (net.getPrefixLen() > ip.bits()) {
      throw new InvalidServerException(where + ": prefix /" + net.getPrefixLen() + " is too long for " + ip);
    }
    return new Cidr(ip, net.getPrefixLen());
  }

  private static Ip ip(IPAddress address, String where) throws InvalidServerException {
    return switch (address.getIpCase()) {
      case IPV4 -> new Ip(false, 0, Integer.toUnsignedLong(address.getIpv4()));
      case IPV6 -> new Ip(true, address.getIpv6().getFirst(), address.getIpv6().getLast());
      case IP_NOT_SET -> throw new InvalidServerException(where + ".ip is missing");
    };
  }

  // ---- routes

  private static List<Route> httpRoutes(List<HttpRoute> list, String where) throws InvalidServerException {
    if (list.isEmpty()) {
      return List.of(Route.defaultRoute());
    }
    List<Route> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      HttpRoute r = list.get(i);
      String at = where + "[" + i + "]";
      if (!r.hasMetadata()) {
        throw new InvalidServerException(at + ".metadata is missing");
      }
      List<Route.Rule> rules = new ArrayList<>();
      for (int j = 0; j < r.getRulesCount(); j++) {
        HttpRoute.Rule rule = r.getRules(j);
        String ruleAt = at + ".rules[" + j + "]";
        rejectUnknown(rule, ruleAt + " (route filters are not supported)");
        List<RouteMatch> matches = new ArrayList<>();
        for (int k = 0; k < rule.getMatchesCount(); k++) {
          matches.add(httpMatch(rule.getMatches(k), ruleAt + ".matches[" + k + "]"));
        }
        rules.add(new Route.Rule(matches));
      }
      out.add(new Route(meta(r.getMetadata(), at), hosts(r.getHostsList(), at),
          rules, authorizations(r.getAuthorizationsList(), at + ".authorizations")));
    }
    return out;
  }

  private static List<Route> grpcRoutes(List<GrpcRoute> list) throws InvalidServerException {
    if (list.isEmpty()) {
      return List.of(Route.defaultGrpcRoute());
    }
    List<Route> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      GrpcRoute r = list.get(i);
      String at = "protocol.grpc.routes[" + i + "]";
      if (!r.hasMetadata()) {
        throw new InvalidServerException(at + ".metadata is missing");
      }
      List<Route.Rule> rules = new ArrayList<>();
      for (int j = 0; j < r.getRulesCount(); j++) {
        GrpcRoute.Rule rule = r.getRules(j);
        String ruleAt = at + ".rules[" + j + "]";
        rejectUnknown(rule, ruleAt + " (route filters are not supported)");
        List<RouteMatch> matches = new ArrayList<>();
        for (int k = 0; k < rule.getMatchesCount(); k++) {
          GrpcRouteMatch m = rule.getMatches(k);
          String service = m.getRpc().getService().isEmpty() ? null : m.getRpc().getService();
          String method = m.getRpc().getMethod().isEmpty() ? null : m.getRpc().getMethod();
          matches.add(new RouteMatch.Grpc(service, method, headers(m.getHeadersList(), ruleAt + ".matches[" + k + "]")));
        }
        rules.add(new Route.Rule(matches));
      }
      out.add(new Route(meta(r.getMetadata(), at), hosts(r.getHostsList(), at),
          rules, authorizations(r.getAuthorizationsList(), at + ".authorizations")));
    }
    return out;
  }

  private static List<HostMatch> hosts(List<dev.lattice.api.http.HostMatch> list, String where)
      throws InvalidServerException {
    List<HostMatch> out = new ArrayList<>(list.size());
    for (dev.lattice.api.http.HostMatch h : list) {
      switch (h.getMatchCase()) {
        case EXACT -> {
          if (h.getExact().isEmpty()) {
            throw new InvalidServerException(where + ".hosts has an empty exact host");
          }
          out.add(HostMatch.parse(h.getExact()));
        }
        case SUFFIX -> {
          List<String> labels = new ArrayList<>(h.getSuffix().getReverseLabelsList());
          if (labels.isEmpty() || labels.stream().anyMatch(String::isEmpty)) {
            throw new InvalidServerException(where + ".hosts has a suffix with no or empty labels");
          }
          java.util.Collections.reverse(labels);
          out.add(HostMatch.parse("*." + String.join(".", labels)));
        }
        case MATCH_NOT_SET -> throw new InvalidServerException(where + ".hosts has an empty match");
      }
    }
    return out;
  }

  private static RouteMatch httpMatch(HttpRouteMatch m, String where) throws InvalidServerException {
    PathMatch path = null;
    if (m.hasPath()) {
      path = switch (m.getPath().getKindCase()) {
        case EXACT -> new PathMatch.Exact(m.getPath().getExact());
        case PREFIX -> new PathMatch.Prefix(m.getPath().getPrefix());
        case REGEX -> new PathMatch.Regex(regex(m.getPath().getRegex(), where + ".path"));
        case KIND_NOT_SET -> throw new InvalidServerException(where + ".path is empty");
      };
    }
    List<QueryParamMatch> query = new ArrayList<>();
    for (dev.lattice.api.http.QueryParamMatch q : m.getQueryParamsList()) {
      if (q.getName().isEmpty()) {
        throw new InvalidServerException(where + ".query_params has an empty name");
      }
      query.add(new QueryParamMatch(q.getName(), switch (q.getValueCase()) {
        case EXACT -> ValueMatch.exact(q.getExact());
        case REGEX -> new ValueMatch.Regex(regex(q.getRegex(), where + ".query_params"));
        case VALUE_NOT_SET -> throw new InvalidServerException(where + ".query_params " + q.getName() + " has no value");
      }));
    }
    String method = null;
    if (m.hasMethod()) {
      HttpMethod hm = m.getMethod();
      method = switch (hm.getTypeCase()) {
        case REGISTERED -> {
          if (hm.getRegistered() == HttpMethod.Registered.UNRECOGNIZED) {
            throw new InvalidServerException(where + ".method is not a known method");
          }
          yield hm.getRegistered().name();
        }
        case UNREGISTERED -> {
          if (hm.getUnregistered().isEmpty()) {
            throw new InvalidServerException(where + ".method is empty");
          }
          yield hm.getUnregistered();
        }
        case TYPE_NOT_SET -> throw new InvalidServerException(where + ".method is empty");
      };
    }
    return new RouteMatch.Http(path, headers(m.getHeadersList(), where), query, method);
  }

  private static List<HeaderMatch> headers(List<dev.lattice.api.http.HeaderMatch> list, String where)
      throws InvalidServerException {
    List<HeaderMatch> out = new ArrayList<>(list.size());
    for (dev.lattice.api.http.HeaderMatch h : list) {
      if (h.getName().isEmpty()) {
        throw new InvalidServerException(where + ".headers has an empty name");
      }
      out.add(new HeaderMatch(h.getName(), switch (h.getValueCase()) {
        case EXACT -> {
          if (!h.getExact().isValidUtf8()) {
            throw new InvalidServerException(where + ".headers " + h.getName() + " has a non-UTF-8 value");
          }
          yield ValueMatch.exact(h.getExact().toString(StandardCharsets.UTF_8));
        }
        case REGEX -> new ValueMatch.Regex(regex(h.getRegex(), where + ".headers " + h.getName()));
        case VALUE_NOT_SET -> throw new InvalidServerException(where + ".headers " + h.getName() + " has no value");
      }));
    }
    return out;
  }

  private static Pattern regex(String regex, String where) throws InvalidServerException {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new InvalidServerException(where + ": invalid regex '" + regex + "': " + e.getDescription());
    }
  }

  /**
   * Fields this proxy does not know are features it would silently skip (filters, rate limits): refuse
   * the server instead.
   */
  private static void rejectUnknown(MessageOrBuilder message, String where) throws InvalidServerException {
    if (!message.getUnknownFields().asMap().isEmpty()) {
      throw new InvalidServerException(where + " has fields this proxy does not implement: "
          + message.getUnknownFields().asMap().keySet());
    }
  }
}
