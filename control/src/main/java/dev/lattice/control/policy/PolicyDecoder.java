package dev.lattice.control.policy;

import dev.lattice.control.policy.PolicyObject.AccountRef;
import dev.lattice.control.policy.PolicyObject.AuthRef;
import dev.lattice.control.policy.PolicyObject.IdentityRef;
import dev.lattice.control.policy.PolicyObject.ParentRef;
import dev.lattice.control.policy.PolicyObject.PortRef;
import dev.lattice.control.policy.PolicyObject.TargetRef;
import dev.lattice.control.store.Kind;
import dev.lattice.control.store.Kind.Groups;
import dev.lattice.control.store.PolicyResource;
import dev.lattice.policy.Cidr;
import dev.lattice.policy.DefaultPolicy;
import dev.lattice.policy.HeaderMatch;
import dev.lattice.policy.Network;
import dev.lattice.policy.PathMatch;
import dev.lattice.policy.ProxyProtocol;
import dev.lattice.policy.QueryParamMatch;
import dev.lattice.policy.Route;
import dev.lattice.policy.RouteMatch;
import dev.lattice.policy.ValueMatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Turns a {@link PolicyResource}'s spec into a {@link PolicyObject}, applying CRD defaults and checking
 * every rule of spec §3. Each problem names the field and the reason; Linkerd's wording is kept where
 * Linkerd has a message. An object with any problem is not built.
 */
public final class PolicyDecoder {
  /** The CRD pattern for DNS-like identities: {@code *} only as the whole first label. */
  static final Pattern IDENTITY = Pattern.compile(
      "^(\\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+\\-.^_`|~]+");
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  private PolicyDecoder() {}

  /** The decoded object and every problem; {@code value} is null when there is a problem. */
  public record Result(PolicyObject value, List<Violation> problems) {}

  public static Result decode(PolicyResource r) {
    Reader in = new Reader();
    JsonNode spec = r.spec();
    PolicyObject value = null;
    if (!spec.isObject()) {
      in.add("spec", "required");
    } else {
      value = switch (r.kind()) {
        case SERVER -> server(r, spec, in);
        case SERVER_AUTHORIZATION -> serverAuthorization(r, spec, in);
        case AUTHORIZATION_POLICY -> authorizationPolicy(r, spec, in);
        case MESH_TLS_AUTHENTICATION -> meshTls(r, spec, in);
        case NETWORK_AUTHENTICATION -> networkAuthentication(r, spec, in);
        case HTTP_ROUTE, GATEWAY_HTTP_ROUTE, GRPC_ROUTE -> route(r, spec, in);
        case NAMESPACE, SERVICE_ACCOUNT, WORKLOAD, SERVICE ->
            throw new IllegalArgumentException(r.kind() + " is not a policy kind");
      };
    }
    return new Result(in.problems.isEmpty() ? value : null, List.copyOf(in.problems));
  }

  // ---- Server

  private static PolicyObject.Server server(PolicyResource r, JsonNode spec, Reader in) {
    boolean pods = present(spec, "podSelector");
    boolean external = present(spec, "externalWorkloadSelector");
    if (pods == external) {
      in.add("spec", "exactly one of podSelector or externalWorkloadSelector must be set");
    }
    LabelSelector selector = pods ? selector(spec.get("podSelector"), "spec.podSelector", in) : null;
    if (external) {
      selector(spec.get("externalWorkloadSelector"), "spec.externalWorkloadSelector", in);
    }
    PortRef port = null;
    JsonNode p = spec.get("port");
    if (p == null || p.isNull()) {
      in.add("spec.port", "required: a port number (1-65535) or a container port name");
    } else if (p.isIntegralNumber()) {
      if (!p.canConvertToInt() || p.intValue() < 1 || p.intValue() > 65535) {
        in.add("spec.port", "must be 1-65535, got " + p);
      } else {
        port = new PortRef.Number(p.intValue());
      }
    } else if (p.isString() && !p.stringValue().isEmpty()) {
      String text = p.stringValue();
      port = text.chars().allMatch(Character::isDigit) && text.length() <= 5
          ? new PortRef.Number(Integer.parseInt(text)) : new PortRef.Named(text);
      if (port instanceof PortRef.Number(int n) && (n < 1 || n > 65535)) {
        in.add("spec.port", "must be 1-65535, got " + n);
      }
    } else {
      in.add("spec.port", "must be a port number (1-65535) or a non-empty container port name");
    }
    String protocolText = in.string(spec, "proxyProtocol", "spec.proxyProtocol");
    ProxyProtocol protocol = ProxyProtocol.DETECT;
    if (protocolText != null) {
      protocol = ProxyProtocol.parse(protocolText).orElse(null);
      if (protocol == null) {
        in.add("spec.proxyProtocol", "unknown variant `" + protocolText + "`, expected one of "
            + Arrays.stream(ProxyProtocol.values()).map(v -> "`" + v.value() + "`").collect(Collectors.joining(", ")));
      }
    }
    String accessText = in.string(spec, "accessPolicy", "spec.accessPolicy");
    DefaultPolicy access = DefaultPolicy.DENY;
    if (accessText != null) {
      access = DefaultPolicy.parse(accessText).orElse(null);
      if (access == null) {
        in.add("spec.accessPolicy", "Invalid 'accessPolicy' field: invalid mode: \"" + accessText
            + "\" (expected one of " + DefaultPolicy.spellings() + ")");
      }
    }
    return new PolicyObject.Server(r.ref(), r.created(), r.labels(), selector, port, protocol, access);
  }

  // ---- ServerAuthorization

  private static PolicyObject.ServerAuthorization serverAuthorization(PolicyResource r, JsonNode spec, Reader in) {
    JsonNode server = spec.get("server");
    String serverName = null;
    LabelSelector serverSelector = null;
    if (server == null || !server.isObject()) {
      in.add("spec.server", "required: exactly one of name or selector");
    } else {
      boolean byName = present(server, "name");
      boolean bySelector = present(server, "selector");
      if (byName == bySelector) {
        in.add("spec.server", "exactly one of name or selector may be set");
      }
      serverName = in.string(server, "name", "spec.server.name");
      if (bySelector) {
        serverSelector = selector(server.get("selector"), "spec.server.selector", in);
      }
    }
    JsonNode client = spec.get("client");
    List<Network> networks = null;
    PolicyObject.Client authn = null;
    if (client == null || !client.isObject()) {
      in.add("spec.client", "required: set unauthenticated: true or meshTLS");
      return null;
    }
    if (present(client, "networks")) {
      networks = networks(client.get("networks"), "spec.client.networks", in, false);
    }
    boolean unauthenticated = in.bool(client, "unauthenticated", "spec.client.unauthenticated");
    JsonNode mesh = client.get("meshTLS");
    if (unauthenticated && mesh != null && !mesh.isNull()) {
      in.add("spec.client", "`unauthenticated` must be false if `mesh_tls` is specified");
    } else if (unauthenticated) {
      authn = new PolicyObject.Client.Unauthenticated();
    } else if (mesh == null || mesh.isNull()) {
      in.add("spec.client", "client must authorize unauthenticated clients or meshTLS clients");
    } else if (!mesh.isObject()) {
      in.add("spec.client.meshTLS", "must be a mapping");
    } else {
      boolean anyTls = in.bool(mesh, "unauthenticatedTLS", "spec.client.meshTLS.unauthenticatedTLS");
      List<String> ids = in.strings(mesh, "identities", "spec.client.meshTLS.identities");
      for (int i = 0; i < ids.size(); i++) {
        if (!IDENTITY.matcher(ids.get(i)).matches()) {
          in.add("spec.client.meshTLS.identities[" + i + "]", "'" + ids.get(i) + "' must match "
              + IDENTITY.pattern() + " (a DNS-like identity, '*' only as the whole first label)");
        }
      }
      List<AccountRef> accounts = new ArrayList<>();
      List<JsonNode> sas = in.list(mesh, "serviceAccounts", "spec.client.meshTLS.serviceAccounts");
      for (int i = 0; i < sas.size(); i++) {
        String path = "spec.client.meshTLS.serviceAccounts[" + i + "]";
        String name = in.string(sas.get(i), "name", path + ".name");
        String ns = in.string(sas.get(i), "namespace", path + ".namespace");
        if (name == null || !DNS_LABEL.matcher(name).matches()) {
          in.add(path + ".name", "required: a service account name (DNS-1123 label)");
        }
        if (ns != null && !DNS_LABEL.matcher(ns).matches()) {
          in.add(path + ".namespace", "must be a DNS-1123 label, got '" + ns + "'");
        }
        accounts.add(new AccountRef(name, ns == null || ns.isEmpty() ? r.namespace() : ns));
      }
      if (anyTls && (!ids.isEmpty() || !accounts.isEmpty())) {
        in.add("spec.client.meshTLS",
            "`unauthenticatedTLS` be false if any `identities` or `service_accounts` is specified");
      } else if (!anyTls && ids.isEmpty() && accounts.isEmpty()) {
        in.add("spec.client.meshTLS",
            "meshTLS authorizes no clients: set unauthenticatedTLS: true, or list identities or serviceAccounts");
      }
      authn = new PolicyObject.Client.MeshTls(anyTls, ids, accounts);
    }
    return new PolicyObject.ServerAuthorization(r.ref(), r.created(), serverName, serverSelector, networks, authn);
  }

  // ---- AuthorizationPolicy

  private static PolicyObject.AuthorizationPolicy authorizationPolicy(PolicyResource r, JsonNode spec, Reader in) {
    TargetRef target = null;
    JsonNode t = spec.get("targetRef");
    if (t == null || !t.isObject()) {
      in.add("spec.targetRef", "required: {group, kind, name}");
    } else {
      String group = group(in.string(t, "group", "spec.targetRef.group"));
      String kind = in.string(t, "kind", "spec.targetRef.kind");
      String name = in.string(t, "name", "spec.targetRef.name");
      if (kind == null || kind.isEmpty()) {
        in.add("spec.targetRef.kind", "required");
      } else if (name == null || name.isEmpty()) {
        in.add("spec.targetRef.name", "required");
      } else {
        target = new TargetRef(group, kind, name);
        boolean supported = target.is(Groups.POLICY, "Server") || target.is(Groups.POLICY, "HTTPRoute")
            || target.is(Groups.GATEWAY, "HTTPRoute") || target.is(Groups.GATEWAY, "GRPCRoute")
            || target.is("", "Namespace");
        if (!supported) {
          in.add("spec.targetRef", "unsupported authorization target type: " + canonical(kind, group));
        } else if (target.is("", "Namespace") && !name.equals(r.namespace())) {
          in.add("spec.targetRef", "cannot target another namespace: " + name);
        }
      }
    }
    List<AuthRef> refs = new ArrayList<>();
    JsonNode list = spec.get("requiredAuthenticationRefs");
    if (list == null || list.isNull()) {
      in.add("spec.requiredAuthenticationRefs", "required (it may be [], which admits every client)");
    } else {
      List<JsonNode> items = in.list(spec, "requiredAuthenticationRefs", "spec.requiredAuthenticationRefs");
      Set<String> unsupported = new LinkedHashSet<>();
      int meshTls = 0;
      int accounts = 0;
      int networks = 0;
      for (int i = 0; i < items.size(); i++) {
        String path = "spec.requiredAuthenticationRefs[" + i + "]";
        JsonNode a = items.get(i);
        String group = group(in.string(a, "group", path + ".group"));
        String kind = in.string(a, "kind", path + ".kind");
        String name = in.string(a, "name", path + ".name");
        String ns = in.string(a, "namespace", path + ".namespace");
        if (kind == null || name == null || name.isEmpty()) {
          in.add(path, "kind and name are required");
          continue;
        }
        AuthRef ref = new AuthRef(group, kind, name, ns == null || ns.isEmpty() ? r.namespace() : ns);
        if (group.equals(Groups.POLICY) && kind.equalsIgnoreCase("MeshTLSAuthentication")) {
          meshTls++;
        } else if (group.equals(Groups.POLICY) && kind.equalsIgnoreCase("NetworkAuthentication")) {
          networks++;
        } else if (group.isEmpty() && kind.equalsIgnoreCase("ServiceAccount")) {
          accounts++;
        } else {
          unsupported.add(canonical(kind, group));
        }
        refs.add(ref);
      }
      String path = "spec.requiredAuthenticationRefs";
      if (!unsupported.isEmpty()) {
        in.add(path, "unsupported authentication kind(s): " + String.join(", ", unsupported));
      } else if (meshTls > 1) {
        in.add(path, "only a single MeshTLSAuthentication may be set");
      } else if (accounts > 1) {
        in.add(path, "only a single ServiceAccount may be set");
      } else if (meshTls > 0 && accounts > 0) {
        in.add(path, "a MeshTLSAuthentication and ServiceAccount may not be set together");
      } else if (networks > 1) {
        in.add(path, "only a single NetworkAuthentication may be set");
      }
    }
    return new PolicyObject.AuthorizationPolicy(r.ref(), r.created(), target, refs);
  }

  // ---- MeshTLSAuthentication

  private static PolicyObject.MeshTlsAuthentication meshTls(PolicyResource r, JsonNode spec, Reader in) {
    List<String> ids = in.strings(spec, "identities", "spec.identities");
    List<JsonNode> refNodes = in.list(spec, "identityRefs", "spec.identityRefs");
    if (ids.isEmpty() == refNodes.isEmpty()) {
      in.add("spec", "exactly one of identities or identityRefs must be set, with at least one item");
    }
    for (int i = 0; i < ids.size(); i++) {
      String problem = identityProblem(ids.get(i));
      if (problem != null) {
        in.add("spec.identities[" + i + "]", "id " + ids.get(i) + " is invalid: " + problem);
      }
    }
    List<IdentityRef> refs = new ArrayList<>();
    for (int i = 0; i < refNodes.size(); i++) {
      String path = "spec.identityRefs[" + i + "]";
      JsonNode n = refNodes.get(i);
      String kind = in.string(n, "kind", path + ".kind");
      String name = in.string(n, "name", path + ".name");
      String ns = in.string(n, "namespace", path + ".namespace");
      if (kind == null) {
        in.add(path + ".kind", "required");
      } else if (kind.equalsIgnoreCase("ServiceAccount")) {
        if (name == null || name.isEmpty()) {
          in.add(path + ".name", "required for a ServiceAccount");
        }
        refs.add(new IdentityRef("ServiceAccount", name, ns == null || ns.isEmpty() ? r.namespace() : ns));
      } else if (kind.equalsIgnoreCase("Namespace")) {
        if (ns != null) {
          in.add(path + ".namespace", "Namespace identity_ref is cluster-scoped and cannot have a namespace");
        }
        if (name == null || name.isEmpty()) {
          in.add(path + ".name", "required for a Namespace");
        }
        refs.add(new IdentityRef("Namespace", name, null));
      } else {
        in.add(path + ".kind", "invalid identity target kind: " + kind);
      }
    }
    return new PolicyObject.MeshTlsAuthentication(r.ref(), r.created(), ids, refs);
  }

  /** Null if {@code id} is a DNS-like identity (CRD pattern) or a valid SPIFFE ID, else why not. */
  static String identityProblem(String id) {
    if (!id.startsWith("spiffe://")) {
      return IDENTITY.matcher(id).matches() ? null
          : "not a DNS-like identity (lower-case labels of a-z, 0-9 and '-'; '*' only as the whole first label)"
              + " nor a SPIFFE ID";
    }
    String rest = id.substring("spiffe://".length());
    int slash = rest.indexOf('/');
    String td = slash < 0 ? rest : rest.substring(0, slash);
    if (td.isEmpty()) {
      return "the SPIFFE trust domain is empty";
    }
    if (!td.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')) {
      return "the SPIFFE trust domain may contain only a-z, 0-9, '.', '_' and '-'";
    }
    if (slash < 0) {
      return null;
    }
    String path = rest.substring(slash);
    if (path.endsWith("/")) {
      return "a SPIFFE path must not end with '/'";
    }
    for (String segment : path.substring(1).split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return "a SPIFFE path may not have empty, '.' or '..' segments";
      }
      if (!segment.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '-')) {
        return "SPIFFE path segments may contain only A-Z, a-z, 0-9, '.', '_' and '-'";
      }
    }
    return null;
  }

  // ---- NetworkAuthentication

  private static PolicyObject.NetworkAuthentication networkAuthentication(PolicyResource r, JsonNode spec, Reader in) {
    List<Network> networks = networks(spec.get("networks"), "spec.networks", in, true);
    return new PolicyObject.NetworkAuthentication(r.ref(), r.created(), networks);
  }

  private static List<Network> networks(JsonNode node, String path, Reader in, boolean required) {
    List<Network> out = new ArrayList<>();
    if (node == null || node.isNull() || node.isArray() && node.isEmpty()) {
      if (required) {
        in.add(path, "at least one network must be specified");
      }
      return out;
    }
    if (!node.isArray()) {
      in.add(path, "must be a sequence of {cidr, except}");
      return out;
    }
    for (int i = 0; i < node.size(); i++) {
      String at = path + "[" + i + "]";
      JsonNode n = node.get(i);
      String cidrText = in.string(n, "cidr", at + ".cidr");
      if (cidrText == null) {
        in.add(at + ".cidr", "required");
        continue;
      }
      Cidr cidr;
      try {
        cidr = Cidr.parse(cidrText);
      } catch (IllegalArgumentException e) {
        in.add(at + ".cidr", e.getMessage());
        continue;
      }
      List<String> excepts = in.strings(n, "except", at + ".except");
      List<Cidr> except = new ArrayList<>();
      for (int j = 0; j < excepts.size(); j++) {
        String exPath = at + ".except[" + j + "]";
        try {
          Cidr ex = Cidr.parse(excepts.get(j));
          if (ex.covers(cidr)) {
            in.add(exPath, "cidr '" + cidrText + "' is completely negated by exception '" + excepts.get(j) + "'");
          } else if (!cidr.covers(ex)) {
            in.add(exPath, "cidr '" + cidrText + "' does not include exception '" + excepts.get(j) + "'");
          }
          except.add(ex);
        } catch (IllegalArgumentException e) {
          in.add(exPath, e.getMessage());
        }
      }
      out.add(new Network(cidr, except));
    }
    return out;
  }

  // ---- HTTPRoute, GRPCRoute

  private static PolicyObject.HttpRoute route(PolicyResource r, JsonNode spec, Reader in) {
    boolean grpc = r.kind() == Kind.GRPC_ROUTE;
    String group = r.kind().group();
    List<ParentRef> parents = new ArrayList<>();
    List<JsonNode> parentNodes = in.list(spec, "parentRefs", "spec.parentRefs");
    for (int i = 0; i < parentNodes.size(); i++) {
      String path = "spec.parentRefs[" + i + "]";
      JsonNode n = parentNodes.get(i);
      String g = in.string(n, "group", path + ".group");
      String kind = in.string(n, "kind", path + ".kind");
      String name = in.string(n, "name", path + ".name");
      String ns = in.string(n, "namespace", path + ".namespace");
      Integer port = n.has("port") && !n.get("port").isNull() ? n.get("port").asInt() : null;
      String section = in.string(n, "sectionName", path + ".sectionName");
      if (name == null || name.isEmpty()) {
        in.add(path + ".name", "required");
      }
      // CRD defaults: the group is the route's own API group; the kind is Gateway.
      ParentRef parent = new ParentRef(g == null ? group : group(g), kind == null ? "Gateway" : kind, name,
          ns == null || ns.isEmpty() ? r.namespace() : ns, port, section);
      if (parent.isServer()) {
        if (!parent.namespace().equals(r.namespace())) {
          in.add(path + ".namespace", "route resource may not reference a parent Server in another namespace");
        } else if (port != null) {
          in.add(path + ".port", "route resource may not reference a parent Server by port");
        } else if (section != null) {
          in.add(path + ".sectionName", "route resource may not reference a parent Server by section name");
        }
      }
      parents.add(parent);
    }
    List<String> hostnames = in.strings(spec, "hostnames", "spec.hostnames");
    List<Route.Rule> rules = new ArrayList<>();
    List<JsonNode> ruleNodes = in.list(spec, "rules", "spec.rules");
    if (!spec.has("rules")) {
      rules.add(new Route.Rule(List.of(grpc ? new RouteMatch.Grpc(null, null, List.of()) : RouteMatch.Http.path(PathMatch.ANY))));
    }
    for (int i = 0; i < ruleNodes.size(); i++) {
      String path = "spec.rules[" + i + "]";
      List<RouteMatch> matches = new ArrayList<>();
      List<JsonNode> matchNodes = in.list(ruleNodes.get(i), "matches", path + ".matches");
      for (int j = 0; j < matchNodes.size(); j++) {
        RouteMatch m = grpc ? grpcMatch(matchNodes.get(j), path + ".matches[" + j + "]", in)
            : httpMatch(matchNodes.get(j), path + ".matches[" + j + "]", in);
        if (m != null) {
          matches.add(m);
        }
      }
      rules.add(new Route.Rule(matches));
    }
    return new PolicyObject.HttpRoute(r.ref(), r.created(), group, grpc, parents, hostnames, rules);
  }

  private static RouteMatch httpMatch(JsonNode n, String path, Reader in) {
    PathMatch pathMatch = PathMatch.ANY;
    JsonNode p = n.get("path");
    if (p != null && !p.isNull()) {
      String type = in.string(p, "type", path + ".path.type");
      String value = in.string(p, "value", path + ".path.value");
      type = type == null ? "PathPrefix" : type;
      value = value == null ? "/" : value;
      switch (type) {
        case "Exact", "PathPrefix" -> {
          if (!value.startsWith("/")) {
            in.add(path + ".path.value", "paths must be absolute (begin with `/`), got '" + value + "'");
          }
          pathMatch = type.equals("Exact") ? new PathMatch.Exact(value) : new PathMatch.Prefix(value);
        }
        case "RegularExpression" -> {
          Pattern compiled = compile(value, path + ".path.value", in);
          pathMatch = compiled == null ? null : new PathMatch.Regex(compiled);
        }
        default -> in.add(path + ".path.type", "must be Exact, PathPrefix or RegularExpression, got '" + type + "'");
      }
    }
    List<HeaderMatch> headers = headers(n, path, in);
    List<QueryParamMatch> query = new ArrayList<>();
    List<JsonNode> qs = in.list(n, "queryParams", path + ".queryParams");
    for (int i = 0; i < qs.size(); i++) {
      String at = path + ".queryParams[" + i + "]";
      String name = in.string(qs.get(i), "name", at + ".name");
      ValueMatch value = value(qs.get(i), at, in);
      if (name == null || name.isEmpty()) {
        in.add(at + ".name", "required");
      } else if (value != null) {
        query.add(new QueryParamMatch(name, value));
      }
    }
    String method = in.string(n, "method", path + ".method");
    if (method != null && !METHODS.contains(method)) {
      in.add(path + ".method", "must be one of " + new java.util.TreeSet<>(METHODS) + ", got '" + method + "'");
    }
    return new RouteMatch.Http(pathMatch, headers, query, method);
  }

  private static RouteMatch grpcMatch(JsonNode n, String path, Reader in) {
    String service = null;
    String method = null;
    JsonNode m = n.get("method");
    if (m != null && m.isObject()) {
      String type = in.string(m, "type", path + ".method.type");
      if (type != null && !type.equals("Exact")) {
        in.add(path + ".method.type", "unsupported GRPCRoute method match type: " + type);
      }
      service = in.string(m, "service", path + ".method.service");
      method = in.string(m, "method", path + ".method.method");
    }
    return new RouteMatch.Grpc(service, method, headers(n, path, in));
  }

  private static List<HeaderMatch> headers(JsonNode n, String path, Reader in) {
    List<HeaderMatch> out = new ArrayList<>();
    List<JsonNode> hs = in.list(n, "headers", path + ".headers");
    for (int i = 0; i < hs.size(); i++) {
      String at = path + ".headers[" + i + "]";
      String name = in.string(hs.get(i), "name", at + ".name");
      ValueMatch value = value(hs.get(i), at, in);
      if (name == null || !HEADER_NAME.matcher(name).matches()) {
        in.add(at + ".name", "must be a valid header name, got '" + name + "'");
      } else if (value != null) {
        out.add(new HeaderMatch(name, value));
      }
    }
    return out;
  }

  private static ValueMatch value(JsonNode n, String path, Reader in) {
    String type = in.string(n, "type", path + ".type");
    String value = in.string(n, "value", path + ".value");
    if (value == null) {
      in.add(path + ".value", "required");
      return null;
    }
    if (type == null || type.equals("Exact")) {
      if (value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
        in.add(path + ".value", "must be a valid header value (no control characters)");
        return null;
      }
      return ValueMatch.exact(value);
    }
    if (type.equals("RegularExpression")) {
      Pattern p = compile(value, path + ".value", in);
      return p == null ? null : new ValueMatch.Regex(p);
    }
    in.add(path + ".type", "must be Exact or RegularExpression, got '" + type + "'");
    return null;
  }

  private static Pattern compile(String regex, String path, Reader in) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      in.add(path, "invalid regular expression '" + regex + "': " + e.getDescription());
      return null;
    }
  }

  // ---- shared

  private static LabelSelector selector(JsonNode node, String path, Reader in) {
    if (node == null || node.isNull()) {
      return LabelSelector.ALL;
    }
    if (!node.isObject()) {
      in.add(path, "must be a label selector mapping");
      return LabelSelector.ALL;
    }
    Map<String, String> labels = new LinkedHashMap<>();
    JsonNode ml = node.get("matchLabels");
    if (ml != null && ml.isObject()) {
      for (Map.Entry<String, JsonNode> e : ml.properties()) {
        if (e.getValue().isString()) {
          labels.put(e.getKey(), e.getValue().stringValue());
        } else {
          in.add(path + ".matchLabels[" + e.getKey() + "]", "must be a string (quote it)");
        }
      }
    } else if (ml != null && !ml.isNull()) {
      in.add(path + ".matchLabels", "must be a mapping");
    }
    List<LabelSelector.Expression> expressions = new ArrayList<>();
    List<JsonNode> xs = in.list(node, "matchExpressions", path + ".matchExpressions");
    for (int i = 0; i < xs.size(); i++) {
      String at = path + ".matchExpressions[" + i + "]";
      String key = in.string(xs.get(i), "key", at + ".key");
      String op = in.string(xs.get(i), "operator", at + ".operator");
      List<String> values = in.strings(xs.get(i), "values", at + ".values");
      if (key == null) {
        in.add(at + ".key", "required");
      } else if (op == null || !LabelSelector.Expression.OPERATORS.contains(op)) {
        in.add(at + ".operator", "must be In, NotIn, Exists or DoesNotExist, got '" + op + "'");
      } else {
        expressions.add(new LabelSelector.Expression(key, op, Set.copyOf(values)));
      }
    }
    return new LabelSelector(labels, expressions);
  }

  private static boolean present(JsonNode node, String field) {
    return node.has(field) && !node.get(field).isNull();
  }

  /** The group as compared: omitted, empty and {@code core} all mean the core group, {@code ""}. */
  static String group(String group) {
    return group == null || group.equalsIgnoreCase("core") ? "" : group.toLowerCase(Locale.ROOT);
  }

  private static String canonical(String kind, String group) {
    return group.isEmpty() ? kind : kind + "." + group;
  }

  /** Typed reads; a wrong type becomes a problem at its path. */
  private static final class Reader {
    final List<Violation> problems = new ArrayList<>();
    private final Set<String> paths = new java.util.HashSet<>();

    void add(String path, String reason) {
      if (paths.add(path)) {
        problems.add(new Violation(path, reason));
      }
    }

    String string(JsonNode parent, String field, String path) {
      JsonNode n = parent == null ? null : parent.get(field);
      if (n == null || n.isNull()) {
        return null;
      }
      if (!n.isString()) {
        add(path, "must be a string");
        return null;
      }
      return n.stringValue();
    }

    boolean bool(JsonNode parent, String field, String path) {
      JsonNode n = parent.get(field);
      if (n == null || n.isNull()) {
        return false;
      }
      if (!n.isBoolean()) {
        add(path, "must be true or false");
        return false;
      }
      return n.booleanValue();
    }

    List<JsonNode> list(JsonNode parent, String field, String path) {
      JsonNode n = parent == null ? null : parent.get(field);
      if (n == null || n.isNull()) {
        return List.of();
      }
      if (!n.isArray()) {
        add(path, "must be a sequence");
        return List.of();
      }
      List<JsonNode> out = new ArrayList<>();
      n.forEach(out::add);
      return out;
    }

    List<String> strings(JsonNode parent, String field, String path) {
      List<JsonNode> nodes = list(parent, field, path);
      List<String> out = new ArrayList<>();
      for (int i = 0; i < nodes.size(); i++) {
        if (nodes.get(i).isString()) {
          out.add(nodes.get(i).stringValue());
        } else {
          add(path + "[" + i + "]", "must be a string");
        }
      }
      return out;
    }
  }
}
