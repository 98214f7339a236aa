package dev.lattice.proxy.http;

import io.netty.handler.codec.CharSequenceValueConverter;
import io.netty.handler.codec.Headers;
import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Function;

/**
 * The header fields of one HTTP/2 message, in arrival order, in a flat array: the proxy's
 * {@link Http2Headers}.
 *
 * <p>A message the proxy relays has a handful of fields, each looked up a few times at most.
 * Netty's {@code DefaultHttp2Headers} is a hash table: a bucket array and a linked entry of six
 * references per field, a hash per name and a chain walk per lookup. Here a field is one small
 * object in an array and a lookup is a scan that compares lengths first; pseudo-header fields are
 * kept at the front (RFC 9113 §8.3), so {@link #status()} and friends scan only those. Profiles
 * of the proxy pair put the hash table at about a tenth of each proxy's own CPU time.
 *
 * <p>Names compare case-sensitively, as HTTP/2 field names are lowercase. {@link #validated}
 * checks what a peer sends, as Netty's decoder would: names are lowercase tokens or known
 * pseudo-header names, values carry no NUL, CR or LF, until {@link #peerFieldsComplete}.
 * {@link #trusted} checks nothing, for
 * fields the proxy's own HTTP/1 parser has already checked or the proxy writes itself.
 */
public final class HeaderFields implements Http2Headers {
  private static final CharSequenceValueConverter CONVERT = CharSequenceValueConverter.INSTANCE;

  private boolean validate;
  private Field[] fields;
  private int size;
  /** Fields [0, pseudoCount) are the pseudo-header fields. */
  private int pseudoCount;

  private HeaderFields(boolean validate, int capacity) {
    this.validate = validate;
    this.fields = new Field[Math.max(capacity, 2)];
  }

  /** Fields from a peer: each name and value is checked as it is added. */
  public static HeaderFields validated(int capacity) {
    return new HeaderFields(true, capacity);
  }

  /**
   * Stops checking: the peer's fields are all in (the HPACK decoder is done), and what is added
   * from here on is the proxy's own.
   */
  void peerFieldsComplete() {
    validate = false;
  }

  /** Fields already checked, or written by the proxy itself. */
  public static HeaderFields trusted(int capacity) {
    return new HeaderFields(false, capacity);
  }

  /** One field. */
  static final class Field implements Map.Entry<CharSequence, CharSequence> {
    final CharSequence name;
    final CharSequence value;

    Field(CharSequence name, CharSequence value) {
      this.name = name;
      this.value = value;
    }

    @Override
    public CharSequence getKey() {
      return name;
    }

    @Override
    public CharSequence getValue() {
      return value;
    }

    @Override
    public CharSequence setValue(CharSequence newValue) {
      throw new UnsupportedOperationException("set the field through its headers");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Map.Entry<?, ?> e
          && e.getKey() instanceof CharSequence k && same(name, k)
          && e.getValue() instanceof CharSequence v && AsciiString.contentEquals(value, v);
    }

    @Override
    public int hashCode() {
      return AsciiString.hashCode(name) ^ AsciiString.hashCode(value);
    }

    @Override
    public String toString() {
      return name + "=" + value;
    }
  }

  // --- the core: every other method is built on these ---

  private static boolean same(CharSequence a, CharSequence b) {
    return a == b || a.length() == b.length() && AsciiString.contentEquals(a, b);
  }

  private static boolean isPseudo(CharSequence name) {
    return !name.isEmpty() && name.charAt(0) == ':';
  }

  /** Index of the first field named {@code name} at or after {@code from}, or -1. */
  private int indexOf(CharSequence name, int from) {
    int end = isPseudo(name) ? pseudoCount : size;
    for (int i = from; i < end; i++) {
      if (same(fields[i].name, name)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public CharSequence get(CharSequence name) {
    int i = indexOf(name, 0);
    return i < 0 ? null : fields[i].value;
  }

  @Override
  public HeaderFields add(CharSequence name, CharSequence value) {
    if (name == null || value == null) {
      throw new NullPointerException(name == null ? "name" : "value");
    }
    if (validate) {
      checkName(name);
      checkValue(name, value);
    }
    if (size == fields.length) {
      fields = Arrays.copyOf(fields, size * 2);
    }
    Field f = new Field(name, value);
    if (isPseudo(name)) {
      // Pseudo-header fields come first (RFC 9113 §8.3), however they were added.
      System.arraycopy(fields, pseudoCount, fields, pseudoCount + 1, size - pseudoCount);
      fields[pseudoCount++] = f;
    } else {
      fields[size] = f;
    }
    size++;
    return this;
  }

  @Override
  public boolean remove(CharSequence name) {
    // Most removals find nothing (a set of a field not yet there): one scan, no writes.
    int first = indexOf(name, 0);
    if (first < 0) {
      return false;
    }
    int kept = first;
    for (int i = first + 1; i < size; i++) {
      Field f = fields[i];
      if (!same(f.name, name)) {
        fields[kept++] = f;
      }
    }
    int removed = size - kept;
    Arrays.fill(fields, kept, size, null);
    size = kept;
    if (isPseudo(name)) {
      pseudoCount -= removed;
    }
    return true;
  }

  private void removeAt(int index) {
    if (index < pseudoCount) {
      pseudoCount--;
    }
    System.arraycopy(fields, index + 1, fields, index, size - index - 1);
    fields[--size] = null;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean isEmpty() {
    return size == 0;
  }

  @Override
  public HeaderFields clear() {
    Arrays.fill(fields, 0, size, null);
    size = 0;
    pseudoCount = 0;
    return this;
  }

  @Override
  public Iterator<Map.Entry<CharSequence, CharSequence>> iterator() {
    return new Iterator<>() {
      private int next;
      private boolean removable;

      @Override
      public boolean hasNext() {
        return next < size;
      }

      @Override
      public Map.Entry<CharSequence, CharSequence> next() {
        if (next >= size) {
          throw new NoSuchElementException();
        }
        removable = true;
        return fields[next++];
      }

      @Override
      public void remove() {
        if (!removable) {
          throw new IllegalStateException("next() first");
        }
        removable = false;
        removeAt(--next);
      }
    };
  }

  @Override
  public Iterator<CharSequence> valueIterator(CharSequence name) {
    return new Iterator<>() {
      private int next = indexOf(name, 0);
      private int last = -1;

      @Override
      public boolean hasNext() {
        return next >= 0;
      }

      @Override
      public CharSequence next() {
        if (next < 0) {
          throw new NoSuchElementException();
        }
        last = next;
        next = indexOf(name, next + 1);
        return fields[last].value;
      }

      @Override
      public void remove() {
        if (last < 0) {
          throw new IllegalStateException("next() first");
        }
        removeAt(last);
        if (next > 0) {
          next--;
        }
        last = -1;
      }
    };
  }

  // --- validation, as Netty's DefaultHttp2Headers does it for a peer's fields ---

  /** tchar (RFC 9110 §5.6.2) less A-Z: the characters of an HTTP/2 field name (RFC 9113 §8.2.1). */
  private static final boolean[] NAME_CHAR = new boolean[128];
  private static final PseudoHeaderName[] PSEUDO = PseudoHeaderName.values();

  static {
    for (char c : "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz".toCharArray()) {
      NAME_CHAR[c] = true;
    }
  }

  /** One pass over the name; HPACK hands over AsciiStrings, read from their bytes. */
  private static void checkName(CharSequence name) {
    int n = name.length();
    if (n == 0) {
      throw new IllegalArgumentException("empty header name");
    }
    if (name.charAt(0) == ':') {
      for (PseudoHeaderName p : PSEUDO) {
        if (same(p.value(), name)) {
          return;
        }
      }
      throw new IllegalArgumentException("unknown pseudo-header '" + name + "'");
    }
    if (name instanceof AsciiString a) {
      byte[] bytes = a.array();
      for (int i = a.arrayOffset(), end = i + n; i < end; i++) {
        int c = bytes[i];
        if (c < 0 || !NAME_CHAR[c]) {
          throw badName(name, c);
        }
      }
    } else {
      for (int i = 0; i < n; i++) {
        char c = name.charAt(i);
        if (c >= 128 || !NAME_CHAR[c]) {
          throw badName(name, c);
        }
      }
    }
  }

  private static IllegalArgumentException badName(CharSequence name, int c) {
    return new IllegalArgumentException(
        (c >= 'A' && c <= 'Z' ? "uppercase header name '" : "invalid header name '") + name + "'");
  }

  private static void checkValue(CharSequence name, CharSequence value) {
    int bad = HttpHeaderValidationUtil.validateValidHeaderValue(value);
    if (bad != -1) {
      throw new IllegalArgumentException("value of '" + name + "' contains prohibited character 0x"
          + Integer.toHexString(value.charAt(bad)) + " at index " + bad);
    }
  }

  // --- pseudo-header fields ---

  @Override
  public HeaderFields method(CharSequence value) {
    return set(PseudoHeaderName.METHOD.value(), value);
  }

  @Override
  public HeaderFields scheme(CharSequence value) {
    return set(PseudoHeaderName.SCHEME.value(), value);
  }

  @Override
  public HeaderFields authority(CharSequence value) {
    return set(PseudoHeaderName.AUTHORITY.value(), value);
  }

  @Override
  public HeaderFields path(CharSequence value) {
    return set(PseudoHeaderName.PATH.value(), value);
  }

  @Override
  public HeaderFields status(CharSequence value) {
    return set(PseudoHeaderName.STATUS.value(), value);
  }

  @Override
  public CharSequence method() {
    return get(PseudoHeaderName.METHOD.value());
  }

  @Override
  public CharSequence scheme() {
    return get(PseudoHeaderName.SCHEME.value());
  }

  @Override
  public CharSequence authority() {
    return get(PseudoHeaderName.AUTHORITY.value());
  }

  @Override
  public CharSequence path() {
    return get(PseudoHeaderName.PATH.value());
  }

  @Override
  public CharSequence status() {
    return get(PseudoHeaderName.STATUS.value());
  }

  // --- the rest of Headers, in terms of the core ---

  @Override
  public CharSequence get(CharSequence name, CharSequence defaultValue) {
    CharSequence v = get(name);
    return v != null ? v : defaultValue;
  }

  @Override
  public CharSequence getAndRemove(CharSequence name) {
    CharSequence v = get(name);
    if (v != null) {
      remove(name);
    }
    return v;
  }

  @Override
  public CharSequence getAndRemove(CharSequence name, CharSequence defaultValue) {
    CharSequence v = getAndRemove(name);
    return v != null ? v : defaultValue;
  }

  /**
   * The values of {@code name}, in order, as a list that cannot be changed: Netty's decoder asks
   * for every head's content-length values, and most heads have none or one.
   */
  @Override
  public List<CharSequence> getAll(CharSequence name) {
    int first = indexOf(name, 0);
    if (first < 0) {
      return List.of();
    }
    int second = indexOf(name, first + 1);
    if (second < 0) {
      return List.of(fields[first].value);
    }
    List<CharSequence> all = new ArrayList<>(4);
    for (int i = first; i >= 0; i = indexOf(name, i + 1)) {
      all.add(fields[i].value);
    }
    return Collections.unmodifiableList(all);
  }

  @Override
  public List<CharSequence> getAllAndRemove(CharSequence name) {
    List<CharSequence> all = getAll(name);
    remove(name);
    return all;
  }

  @Override
  public boolean contains(CharSequence name) {
    return indexOf(name, 0) >= 0;
  }

  @Override
  public boolean contains(CharSequence name, CharSequence value) {
    return contains(name, value, false);
  }

  @Override
  public boolean contains(CharSequence name, CharSequence value, boolean caseInsensitive) {
    for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
      CharSequence v = fields[i].value;
      if (caseInsensitive ? AsciiString.contentEqualsIgnoreCase(v, value) : AsciiString.contentEquals(v, value)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean containsObject(CharSequence name, Object value) {
    return contains(name, CONVERT.convertObject(value));
  }

  @Override
  public boolean containsBoolean(CharSequence name, boolean value) {
    return contains(name, CONVERT.convertBoolean(value));
  }

  @Override
  public boolean containsByte(CharSequence name, byte value) {
    return contains(name, CONVERT.convertByte(value));
  }

  @Override
  public boolean containsChar(CharSequence name, char value) {
    return contains(name, CONVERT.convertChar(value));
  }

  @Override
  public boolean containsShort(CharSequence name, short value) {
    return contains(name, CONVERT.convertShort(value));
  }

  @Override
  public boolean containsInt(CharSequence name, int value) {
    return contains(name, CONVERT.convertInt(value));
  }

  @Override
  public boolean containsLong(CharSequence name, long value) {
    return contains(name, CONVERT.convertLong(value));
  }

  @Override
  public boolean containsFloat(CharSequence name, float value) {
    return contains(name, CONVERT.convertFloat(value));
  }

  @Override
  public boolean containsDouble(CharSequence name, double value) {
    return contains(name, CONVERT.convertDouble(value));
  }

  @Override
  public boolean containsTimeMillis(CharSequence name, long value) {
    return contains(name, CONVERT.convertTimeMillis(value));
  }

  @Override
  public Set<CharSequence> names() {
    Set<CharSequence> names = new LinkedHashSet<>();
    for (int i = 0; i < size; i++) {
      // Names compare by content, whatever CharSequence type each came as.
      CharSequence n = fields[i].name;
      names.add(n instanceof AsciiString a ? a : new AsciiString(n));
    }
    return names;
  }

  /** The value converted by {@code as}, or null where there is none or it does not convert. */
  private <T> T typed(CharSequence value, Function<CharSequence, T> as) {
    if (value == null) {
      return null;
    }
    try {
      return as.apply(value);
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public Boolean getBoolean(CharSequence name) {
    return typed(get(name), CONVERT::convertToBoolean);
  }

  @Override
  public boolean getBoolean(CharSequence name, boolean defaultValue) {
    Boolean v = getBoolean(name);
    return v != null ? v : defaultValue;
  }

  @Override
  public Byte getByte(CharSequence name) {
    return typed(get(name), CONVERT::convertToByte);
  }

  @Override
  public byte getByte(CharSequence name, byte defaultValue) {
    Byte v = getByte(name);
    return v != null ? v : defaultValue;
  }

  @Override
  public Character getChar(CharSequence name) {
    return typed(get(name), CONVERT::convertToChar);
  }

  @Override
  public char getChar(CharSequence name, char defaultValue) {
    Character v = getChar(name);
    return v != null ? v : defaultValue;
  }

  @Override
  public Short getShort(CharSequence name) {
    return typed(get(name), CONVERT::convertToShort);
  }

  @Override
  public short getShort(CharSequence name, short defaultValue) {
    Short v = getShort(name);
    return v != null ? v : defaultValue;
  }

  @Override
  public Integer getInt(CharSequence name) {
    return typed(get(name), CONVERT::convertToInt);
  }

  @Override
  public int getInt(CharSequence name, int defaultValue) {
    Integer v = getInt(name);
    return v != null ? v : defaultValue;
  }

  @Override
  public Long getLong(CharSequence name) {
    return typed(get(name), CONVERT::convertToLong);
  }

  @Override
  public long getLong(CharSequence name, long defaultValue) {
    Long v = getLong(name);
    return v != null ? v : defaultValue;
  }

  @Override
  public Float getFloat(CharSequence name) {
    return typed(get(name), CONVERT::convertToFloat);
  }

  @Override
  public float getFloat(CharSequence name, float defaultValue) {
    Float v = getFloat(name);
    return v != null ? v : defaultValue;
  }

  @Override
  public Double getDouble(CharSequence name) {
    return typed(get(name), CONVERT::convertToDouble);
  }

  @Override
  public double getDouble(CharSequence name, double defaultValue) {
    Double v = getDouble(name);
    return v != null ? v : defaultValue;
  }

  @Override
  public Long getTimeMillis(CharSequence name) {
    return typed(get(name), CONVERT::convertToTimeMillis);
  }

  @Override
  public long getTimeMillis(CharSequence name, long defaultValue) {
    Long v = getTimeMillis(name);
    return v != null ? v : defaultValue;
  }

  @Override
  public Boolean getBooleanAndRemove(CharSequence name) {
    return typed(getAndRemove(name), CONVERT::convertToBoolean);
  }

  @Override
  public boolean getBooleanAndRemove(CharSequence name, boolean defaultValue) {
    Boolean v = getBooleanAndRemove(name);
    return v != null ? v : defaultValue;
  }

  @Override
  public Byte getByteAndRemove(CharSequence name) {
    return typed(getAndRemove(name), CONVERT::convertToByte);
  }

  @Override
  public byte getByteAndRemove(CharSequence name, byte defaultValue) {
    Byte v = getByteAndRemove(name);
    return v != null ? v : defaultValue;
  }

  @Override
  public Character getCharAndRemove(CharSequence name) {
    return typed(getAndRemove(name), CONVERT::convertToChar);
  }

  @Override
  public char getCharAndRemove(CharSequence name, char defaultValue) {
    Character v = getCharAndRemove(name);
    return v != null ? v : defaultValue;
  }

  @Override
  public Short getShortAndRemove(CharSequence name) {
    return typed(getAndRemove(name), CONVERT::convertToShort);
  }

  @Override
  public short getShortAndRemove(CharSequence name, short defaultValue) {
    Short v = getShortAndRemove(name);
    return v != null ? v : defaultValue;
  }

  @Override
  public Integer getIntAndRemove(CharSequence name) {
    return typed(getAndRemove(name), CONVERT::convertToInt);
  }

  @Override
  public int getIntAndRemove(CharSequence name, int defaultValue) {
    Integer v = getIntAndRemove(name);
    return v != null ? v : defaultValue;
  }

  @Override
  public Long getLongAndRemove(CharSequence name) {
    return typed(getAndRemove(name), CONVERT::convertToLong);
  }

  @Override
  public long getLongAndRemove(CharSequence name, long defaultValue) {
    Long v = getLongAndRemove(name);
    return v != null ? v : defaultValue;
  }

  @Override
  public Float getFloatAndRemove(CharSequence name) {
    return typed(getAndRemove(name), CONVERT::convertToFloat);
  }

  @Override
  public float getFloatAndRemove(CharSequence name, float defaultValue) {
    Float v = getFloatAndRemove(name);
    return v != null ? v : defaultValue;
  }

  @Override
  public Double getDoubleAndRemove(CharSequence name) {
    return typed(getAndRemove(name), CONVERT::convertToDouble);
  }

  @Override
  public double getDoubleAndRemove(CharSequence name, double defaultValue) {
    Double v = getDoubleAndRemove(name);
    return v != null ? v : defaultValue;
  }

  @Override
  public Long getTimeMillisAndRemove(CharSequence name) {
    return typed(getAndRemove(name), CONVERT::convertToTimeMillis);
  }

  @Override
  public long getTimeMillisAndRemove(CharSequence name, long defaultValue) {
    Long v = getTimeMillisAndRemove(name);
    return v != null ? v : defaultValue;
  }

  @Override
  public HeaderFields add(CharSequence name, Iterable<? extends CharSequence> values) {
    for (CharSequence v : values) {
      add(name, v);
    }
    return this;
  }

  @Override
  public HeaderFields add(CharSequence name, CharSequence... values) {
    return add(name, Arrays.asList(values));
  }

  @Override
  public HeaderFields addObject(CharSequence name, Object value) {
    return add(name, CONVERT.convertObject(value));
  }

  @Override
  public HeaderFields addObject(CharSequence name, Iterable<?> values) {
    for (Object v : values) {
      addObject(name, v);
    }
    return this;
  }

  @Override
  public HeaderFields addObject(CharSequence name, Object... values) {
    return addObject(name, Arrays.asList(values));
  }

  @Override
  public HeaderFields addBoolean(CharSequence name, boolean value) {
    return add(name, CONVERT.convertBoolean(value));
  }

  @Override
  public HeaderFields addByte(CharSequence name, byte value) {
    return add(name, CONVERT.convertByte(value));
  }

  @Override
  public HeaderFields addChar(CharSequence name, char value) {
    return add(name, CONVERT.convertChar(value));
  }

  @Override
  public HeaderFields addShort(CharSequence name, short value) {
    return add(name, CONVERT.convertShort(value));
  }

  @Override
  public HeaderFields addInt(CharSequence name, int value) {
    return add(name, CONVERT.convertInt(value));
  }

  @Override
  public HeaderFields addLong(CharSequence name, long value) {
    return add(name, CONVERT.convertLong(value));
  }

  @Override
  public HeaderFields addFloat(CharSequence name, float value) {
    return add(name, CONVERT.convertFloat(value));
  }

  @Override
  public HeaderFields addDouble(CharSequence name, double value) {
    return add(name, CONVERT.convertDouble(value));
  }

  @Override
  public HeaderFields addTimeMillis(CharSequence name, long value) {
    return add(name, CONVERT.convertTimeMillis(value));
  }

  @Override
  public HeaderFields add(Headers<? extends CharSequence, ? extends CharSequence, ?> headers) {
    if (headers == this) {
      throw new IllegalArgumentException("can't add headers to themselves");
    }
    for (Map.Entry<? extends CharSequence, ? extends CharSequence> e : headers) {
      add(e.getKey(), e.getValue());
    }
    return this;
  }

  @Override
  public HeaderFields set(CharSequence name, CharSequence value) {
    remove(name);
    return add(name, value);
  }

  @Override
  public HeaderFields set(CharSequence name, Iterable<? extends CharSequence> values) {
    remove(name);
    return add(name, values);
  }

  @Override
  public HeaderFields set(CharSequence name, CharSequence... values) {
    remove(name);
    return add(name, values);
  }

  @Override
  public HeaderFields setObject(CharSequence name, Object value) {
    return set(name, CONVERT.convertObject(value));
  }

  @Override
  public HeaderFields setObject(CharSequence name, Iterable<?> values) {
    remove(name);
    return addObject(name, values);
  }

  @Override
  public HeaderFields setObject(CharSequence name, Object... values) {
    remove(name);
    return addObject(name, values);
  }

  @Override
  public HeaderFields setBoolean(CharSequence name, boolean value) {
    return set(name, CONVERT.convertBoolean(value));
  }

  @Override
  public HeaderFields setByte(CharSequence name, byte value) {
    return set(name, CONVERT.convertByte(value));
  }

  @Override
  public HeaderFields setChar(CharSequence name, char value) {
    return set(name, CONVERT.convertChar(value));
  }

  @Override
  public HeaderFields setShort(CharSequence name, short value) {
    return set(name, CONVERT.convertShort(value));
  }

  @Override
  public HeaderFields setInt(CharSequence name, int value) {
    return set(name, CONVERT.convertInt(value));
  }

  @Override
  public HeaderFields setLong(CharSequence name, long value) {
    return set(name, CONVERT.convertLong(value));
  }

  @Override
  public HeaderFields setFloat(CharSequence name, float value) {
    return set(name, CONVERT.convertFloat(value));
  }

  @Override
  public HeaderFields setDouble(CharSequence name, double value) {
    return set(name, CONVERT.convertDouble(value));
  }

  @Override
  public HeaderFields setTimeMillis(CharSequence name, long value) {
    return set(name, CONVERT.convertTimeMillis(value));
  }

  @Override
  public HeaderFields set(Headers<? extends CharSequence, ? extends CharSequence, ?> headers) {
    if (headers != this) {
      clear();
      add(headers);
    }
    return this;
  }

  @Override
  public HeaderFields setAll(Headers<? extends CharSequence, ? extends CharSequence, ?> headers) {
    if (headers != this) {
      for (CharSequence name : headers.names()) {
        remove(name);
      }
      add(headers);
    }
    return this;
  }

  /** Same fields, compared as Netty's headers compare: per name, the same values in the same order. */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Headers<?, ?, ?> other) || other.size() != size) {
      return false;
    }
    @SuppressWarnings("unchecked")
    Headers<CharSequence, CharSequence, ?> h = (Headers<CharSequence, CharSequence, ?>) other;
    for (CharSequence name : names()) {
      List<CharSequence> mine = getAll(name);
      List<CharSequence> theirs = h.getAll(name);
      if (mine.size() != theirs.size()) {
        return false;
      }
      for (int i = 0; i < mine.size(); i++) {
        if (!AsciiString.contentEquals(mine.get(i), theirs.get(i))) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (int i = 0; i < size; i++) {
      h += AsciiString.hashCode(fields[i].name) * 31 + AsciiString.hashCode(fields[i].value);
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("HeaderFields[");
    for (int i = 0; i < size; i++) {
      sb.append(i == 0 ? "" : ", ").append(fields[i].name).append(": ").append(fields[i].value);
    }
    return sb.append(']').toString();
  }
}
