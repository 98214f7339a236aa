package dev.lattice.control.store;

/** What one apply or delete did to one object, in kubectl's words. */
public record Change(ResourceRef ref, Action action) {
  public enum Action {
    CREATED("created"),
    CONFIGURED("configured"),
    UNCHANGED("unchanged"),
    DELETED("deleted"),
    NOT_FOUND("not found");

    private final String word;

    Action(String word) {
      this.word = word;
    }

    @Override
    public String toString() {
      return word;
    }
  }

  /** E.g. {@code pod/web created}, as kubectl prints it. */
  @Override
  public String toString() {
    return ref.kind().manifestKind().toLowerCase(java.util.Locale.ROOT) + "/" + ref.name() + " " + action;
  }
}
