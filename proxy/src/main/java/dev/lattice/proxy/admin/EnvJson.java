package dev.lattice.proxy.admin;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /env.json}: the proxy's environment as a JSON object, or with {@code ?A&B} only those
 * variables ({@code null} for unset ones), as Linkerd serves it for debugging.
 */
final class EnvJson {
  private final Map<String, String> env;

  EnvJson(Map<String, String> env) {
    this.env = new TreeMap<>(env);
  }

  AdminHandler.Reply respond(FullHttpRequest request, QueryStringDecoder uri) {
    if (!request.method().equals(HttpMethod.GET)) {
      return AdminHandler.Reply.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n").allow("GET");
    }
    if (!acceptsJson(request.headers().get(HttpHeaderNames.ACCEPT))) {
      return AdminHandler.Reply.text(HttpResponseStatus.NOT_ACCEPTABLE, "only application/json is available\n");
    }
    String query = uri.rawQuery();
    if (query.isEmpty()) {
      return AdminHandler.Reply.json(HttpResponseStatus.OK, object(env));
    }
    Map<String, String> selected = new LinkedHashMap<>();
    for (String name : query.split("&")) {
      if (name.isEmpty()) {
        continue;
      }
      if (name.contains("=")) {
        return AdminHandler.Reply.json(HttpResponseStatus.BAD_REQUEST,
            "{\"error\":" + string("query parameters must be variable names without values, got "
                + QueryStringDecoder.decodeComponent(name)) + ",\"status\":400}");
      }
      String decoded = QueryStringDecoder.decodeComponent(name);
      selected.put(decoded, env.get(decoded));
    }
    return AdminHandler.Reply.json(HttpResponseStatus.OK, object(selected));
  }

  private static boolean acceptsJson(String accept) {
    if (accept == null || accept.isBlank()) {
      return true;
    }
    for (String part : accept.split(",")) {
      String type = part.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
      if (type.equals("application/json") || type.equals("application/*") || type.equals("*/*")) {
        return true;
      }
    }
    return false;
  }

  private static String object(Map<String, String> values) {
    StringBuilder out = new StringBuilder("{");
    for (Map.Entry<String, String> e : values.entrySet()) {
      if (out.length() > 1) {
        out.append(',');
      }
      out.append(string(e.getKey())).append(':').append(e.getValue() == null ? "null" : string(e.getValue()));
    }
    return out.append("}\n").toString();
  }

  static String string(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
