package dev.lattice.demo.emoji;

import dev.lattice.demo.proto.Emoji;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The emoji people can vote for, in a fixed order. */
public final class EmojiCatalog {
  private final Map<String, Emoji> byShortcode;

  private EmojiCatalog(Map<String, Emoji> byShortcode) {
    this.byShortcode = byShortcode;
  }

  /** The demo's catalogue; it includes {@code :doughnut:}, the emoji the voting service refuses. */
  public static EmojiCatalog standard() {
    String[][] entries = {
      {"😂", ":joy:"}, {"🤔", ":thinking:"}, {"🙈", ":see_no_evil:"}, {"🙏", ":pray:"},
      {"💯", ":100:"}, {"🔥", ":fire:"}, {"🎉", ":tada:"}, {"🚀", ":rocket:"},
      {"🍩", ":doughnut:"}, {"🍕", ":pizza:"}, {"🌮", ":taco:"}, {"🍔", ":hamburger:"},
      {"🍣", ":sushi:"}, {"🥑", ":avocado:"}, {"☕", ":coffee:"}, {"🍺", ":beer:"},
      {"🐶", ":dog:"}, {"🐱", ":cat:"}, {"🦄", ":unicorn:"}, {"🐙", ":octopus:"},
      {"🦀", ":crab:"}, {"🐢", ":turtle:"}, {"🦉", ":owl:"}, {"🐝", ":bee:"},
      {"🌈", ":rainbow:"}, {"⭐", ":star:"}, {"🌵", ":cactus:"}, {"🍀", ":four_leaf_clover:"},
      {"⚡", ":zap:"}, {"❄️", ":snowflake:"}, {"🎸", ":guitar:"}, {"🎲", ":game_die:"},
      {"🧩", ":jigsaw:"}, {"🔒", ":lock:"}, {"🛰️", ":satellite:"}, {"🧠", ":brain:"},
    };
    Map<String, Emoji> map = new LinkedHashMap<>();
    for (String[] entry : entries) {
      Emoji emoji = Emoji.newBuilder().setUnicode(entry[0]).setShortcode(entry[1]).build();
      if (map.putIfAbsent(emoji.getShortcode(), emoji) != null) {
        throw new IllegalStateException("duplicate shortcode in catalogue: " + emoji.getShortcode());
      }
    }
    return new EmojiCatalog(map);
  }

  /** Every emoji, in catalogue order. */
  public List<Emoji> all() {
    return List.copyOf(byShortcode.values());
  }

  /** The emoji with that shortcode (colons included), if any. */
  public Optional<Emoji> find(String shortcode) {
    return Optional.ofNullable(byShortcode.get(shortcode));
  }
}
