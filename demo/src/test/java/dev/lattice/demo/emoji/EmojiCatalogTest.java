package dev.lattice.demo.emoji;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.demo.proto.Emoji;
import org.junit.jupiter.api.Test;

class EmojiCatalogTest {
  private final EmojiCatalog catalog = EmojiCatalog.standard();

  @Test
  void everyShortcodeIsColonWrappedAndEveryEmojiNonEmpty() {
    assertThat(catalog.all()).hasSizeBetween(20, 40);
    assertThat(catalog.all()).allSatisfy(e -> {
      assertThat(e.getShortcode()).matches(":[a-z0-9_]+:");
      assertThat(e.getUnicode()).isNotBlank();
    });
  }

  @Test
  void findsByExactShortcodeOnly() {
    assertThat(catalog.find(":doughnut:")).map(Emoji::getUnicode).hasValue("🍩");
    assertThat(catalog.find("doughnut")).isEmpty();
    assertThat(catalog.find(":Doughnut:")).isEmpty();
  }
}
