package dev.lattice.control.identity.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.control.testing.TestClock;
import dev.lattice.control.testing.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTokenStoreTest {
  @TempDir Path dir;
  private final TestClock clock = new TestClock(TestPki.NOW);

  @Test
  void aMintedTokenIsARandomUrlSafeSecretInAPrivateFileBoundToItsServiceAccount() throws IOException {
    LocalTokenStore store = LocalTokenStore.open(dir, clock);

    Path file = store.mint("emojivoto", "web", "web-0");

    assertThat(file).isEqualTo(dir.toAbsolutePath().resolve("emojivoto/web/web-0.token"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    String token = Files.readString(file);
    // 256 random bits, URL-safe base64 without padding.
    assertThat(token).matches("[A-Za-z0-9_-]{43}");
    assertThat(store.validate(token.getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(new TokenValidation.Authenticated("web", "emojivoto"));
    // Token files are often written or read with a trailing newline.
    assertThat(store.validate((token + "\n").getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(new TokenValidation.Authenticated("web", "emojivoto"));
  }

  @Test
  void tokensAreDistinctAndEachAuthenticatesOnlyItsOwnServiceAccount() throws IOException {
    LocalTokenStore store = LocalTokenStore.open(dir, clock);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      seen.add(Files.readString(store.mint("emojivoto", "web", "web-" + i)));
    }
    assertThat(seen).hasSize(20);

    byte[] emoji = Files.readAllBytes(store.mint("emojivoto", "emoji", "emoji-0"));
    byte[] voting = Files.readAllBytes(store.mint("other", "voting", "voting-0"));
    assertThat(store.validate(emoji)).isEqualTo(new TokenValidation.Authenticated("emoji", "emojivoto"));
    assertThat(store.validate(voting)).isEqualTo(new TokenValidation.Authenticated("voting", "other"));
  }

  @Test
  void unknownTruncatedAndOversizedTokensDoNotAuthenticate() throws IOException {
    LocalTokenStore store = LocalTokenStore.open(dir, clock);
    String token = Files.readString(store.mint("emojivoto", "web", "web-0"));

    assertThat(store.validate("nope".getBytes())).isInstanceOf(TokenValidation.Rejected.class);
    assertThat(store.validate(token.substring(0, 42).getBytes())).isInstanceOf(TokenValidation.Rejected.class);
    assertThat(store.validate((token + "x").getBytes())).isInstanceOf(TokenValidation.Rejected.class);
    assertThat(store.validate(new byte[20_000])).isInstanceOfSatisfying(TokenValidation.Malformed.class,
        m -> assertThat(m.reason()).contains("20000 bytes"));
  }

  @Test
  void reMintingAndRevokingInvalidateTheOldToken() throws IOException {
    LocalTokenStore store = LocalTokenStore.open(dir, clock);
    byte[] first = Files.readAllBytes(store.mint("emojivoto", "web", "web-0"));
    byte[] second = Files.readAllBytes(store.mint("emojivoto", "web", "web-0"));

    assertThat(store.validate(first)).isInstanceOf(TokenValidation.Rejected.class);
    assertThat(store.validate(second)).isInstanceOf(TokenValidation.Authenticated.class);
    assertThat(store.revoke("emojivoto", "web", "web-0")).isTrue();
    assertThat(store.validate(second)).isInstanceOf(TokenValidation.Rejected.class);
    assertThat(store.revoke("emojivoto", "web", "web-0")).isFalse();
  }

  @Test
  void anotherProcessSeesTokensThroughTheDirectoryWithinTheRefreshInterval() throws IOException {
    LocalTokenStore server = LocalTokenStore.open(dir, clock, Duration.ofSeconds(1));
    LocalTokenStore minter = LocalTokenStore.open(dir, clock);

    byte[] token = Files.readAllBytes(minter.mint("emojivoto", "web", "web-0"));
    assertThat(server.validate(token)).isInstanceOf(TokenValidation.Rejected.class); // index still fresh
    clock.advance(Duration.ofSeconds(1));
    assertThat(server.validate(token)).isEqualTo(new TokenValidation.Authenticated("web", "emojivoto"));

    minter.revoke("emojivoto", "web", "web-0");
    clock.advance(Duration.ofSeconds(1));
    assertThat(server.validate(token)).isInstanceOf(TokenValidation.Rejected.class);

    // A store reopened on the same directory (a restart) knows every token.
    byte[] again = Files.readAllBytes(minter.mint("emojivoto", "web", "web-1"));
    assertThat(LocalTokenStore.open(dir, clock).validate(again)).isInstanceOf(TokenValidation.Authenticated.class);
  }

  @Test
  void namesThatAreNotDnsLabelsAreRefusedSoNothingEscapesTheDirectory() {
    LocalTokenStore store = LocalTokenStore.open(dir, clock);
    assertThatThrownBy(() -> store.mint("..", "web", "web-0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("namespace: '..' (expected: a DNS-1123 label: a-z, 0-9, '-', 1-63 characters)");
    assertThatThrownBy(() -> store.mint("emojivoto", "a/b", "web-0"))
        .hasMessageStartingWith("serviceAccount: 'a/b'");
    assertThatThrownBy(() -> store.mint("emojivoto", "web", "Web.0"))
        .hasMessageStartingWith("workload: 'Web.0'");
  }

  @Test
  void filesThatDoNotFollowTheLayoutAreIgnored() throws IOException {
    Files.createDirectories(dir.resolve("emojivoto/web"));
    Files.writeString(dir.resolve("emojivoto/web/notes.txt"), "secret-looking");
    Files.writeString(dir.resolve("emojivoto/stray.token"), "stray");
    LocalTokenStore store = LocalTokenStore.open(dir, clock);
    assertThat(store.validate("secret-looking".getBytes())).isInstanceOf(TokenValidation.Rejected.class);
    assertThat(store.validate("stray".getBytes())).isInstanceOf(TokenValidation.Rejected.class);
  }

  @Test
  void anUnreadableDirectoryIsAFailureNotAnException() throws IOException {
    LocalTokenStore store = LocalTokenStore.open(dir.resolve("tokens"), clock);
    byte[] token = Files.readAllBytes(store.mint("emojivoto", "web", "web-0"));
    Files.delete(store.fileFor("emojivoto", "web", "web-0"));
    Files.delete(dir.resolve("tokens/emojivoto/web"));
    Files.delete(dir.resolve("tokens/emojivoto"));
    Files.delete(dir.resolve("tokens"));
    clock.advance(Duration.ofSeconds(1));

    assertThat(store.validate(token)).isInstanceOfSatisfying(TokenValidation.Failed.class,
        f -> assertThat(f.reason()).startsWith("cannot read token directory " + dir.resolve("tokens")));
  }
}
