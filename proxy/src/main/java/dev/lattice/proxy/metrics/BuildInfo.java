package dev.lattice.proxy.metrics;

/**
 * What {@code proxy_build_info} reports: a constant 1 whose labels identify the build, as Linkerd's
 * proxy does ({@code date}, {@code git_sha}, {@code profile}, {@code vendor}, {@code version}).
 */
public record BuildInfo(String version, String gitSha, String date, String profile, String vendor) {
  public static final String UNKNOWN = "unknown";

  /** From the jar manifest when there is one (a packaged proxy), else {@code unknown}s. */
  public static BuildInfo fromManifest() {
    Package pkg = BuildInfo.class.getPackage();
    String version = pkg == null ? null : pkg.getImplementationVersion();
    return new BuildInfo(version == null ? UNKNOWN : version, UNKNOWN, UNKNOWN, "release", "lattice");
  }

  public void register(MetricsRegistry registry) {
    registry.gauge("proxy_build_info", "Proxy build info",
        Labels.of("date", date, "git_sha", gitSha, "profile", profile, "vendor", vendor, "version", version),
        () -> 1);
  }
}
