package dev.lattice.control.store;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/** The one YAML configuration manifests are read and written with. */
final class Yaml {
  /**
   * Duplicate keys are an error (a silently dropped key is a silently ignored setting). Strings are
   * written unquoted where that stays a string; numbers-as-strings stay quoted so they read back as
   * strings.
   */
  static final YAMLMapper MAPPER =
      YAMLMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
          .enable(YAMLWriteFeature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
          .build();

  private Yaml() {}
}
