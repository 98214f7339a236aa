package dev.lattice.control.policy.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WorkloadRefTest {
  @Test
  void parsesTheJsonTheInjectorWritesAndTheLegacyForm() {
    assertThat(WorkloadRef.parse("{\"ns\":\"shop\",\"pod\":\"web-0\"}")).isEqualTo(new WorkloadRef("shop", "web-0"));
    assertThat(WorkloadRef.parse(" { \"pod\" : \"web-0\", \"ns\": \"shop\" } ")).isEqualTo(new WorkloadRef("shop", "web-0"));
    assertThat(WorkloadRef.parse("shop:web-0")).isEqualTo(new WorkloadRef("shop", "web-0"));
    assertThat(WorkloadRef.parse(new WorkloadRef("a", "b").json())).isEqualTo(new WorkloadRef("a", "b"));
  }

  @Test
  void rejectsWhatNamesNoPodWithAReason() {
    assertThatThrownBy(() -> WorkloadRef.parse("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> WorkloadRef.parse("{\"ns\":\"shop\"}")).hasMessageContaining("both a namespace");
    assertThatThrownBy(() -> WorkloadRef.parse("{\"ns\":\"shop\",")).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> WorkloadRef.parse("{\"ns\":1,\"pod\":\"x\"}")).hasMessageContaining("both");
    assertThatThrownBy(() -> WorkloadRef.parse("shop")).hasMessageContaining("neither JSON");
    assertThatThrownBy(() -> WorkloadRef.parse(":web")).hasMessageContaining("both");
  }
}
