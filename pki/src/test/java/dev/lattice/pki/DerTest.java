package dev.lattice.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DerTest {
  @ParameterizedTest
  @ValueSource(strings = {"2.5.4.3", "1.2.840.10045.2.1", "1.2.840.113549.1.9.14", "0.0", "2.999.3",
      "2.25.329800735698586629295641978511506172918", "1.3.6.1.4.1.311.21.20"})
  void oidsEncodeAsBouncyCastleDoesAndDecodeBack(String oid) throws Exception {
    byte[] ours = Der.oid(oid);

    assertThat(ours).isEqualTo(new ASN1ObjectIdentifier(oid).getEncoded());
    assertThat(DerReader.oid(DerReader.single(ours, Der.OID, "test").content(), "test")).isEqualTo(oid);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 127, 128, 255, 256, 65535, 65536, 70000})
  void lengthsUseTheShortestFormAndReadBack(int length) throws Exception {
    byte[] content = new byte[length];
    if (length > 0) {
      content[length / 2] = 42;
    }

    byte[] ours = Der.octetString(content);

    assertThat(ours).isEqualTo(new DEROctetString(content).getEncoded());
    assertThat(DerReader.single(ours, Der.OCTET_STRING, "test").content()).isEqualTo(content);
  }

  @Test
  void integersAndStringsMatchBouncyCastle() throws Exception {
    assertThat(Der.integer(0)).isEqualTo(new org.bouncycastle.asn1.ASN1Integer(0).getEncoded());
    assertThat(Der.integer(128)).isEqualTo(new org.bouncycastle.asn1.ASN1Integer(128).getEncoded());
    assertThat(Der.integer(-129)).isEqualTo(new org.bouncycastle.asn1.ASN1Integer(-129).getEncoded());
    assertThat(Der.utf8String("é")).isEqualTo(new org.bouncycastle.asn1.DERUTF8String("é").getEncoded());
    assertThat(Der.printableString("Lattice CA 1")).isEqualTo(
        new org.bouncycastle.asn1.DERPrintableString("Lattice CA 1").getEncoded());
    assertThat(Der.bitString(new byte[] {1, 2})).isEqualTo(
        new org.bouncycastle.asn1.DERBitString(new byte[] {1, 2}).getEncoded());
    assertThat(HexFormat.of().formatHex(Der.contextConstructed(0, Der.integer(1)))).isEqualTo("a003020101");
    assertThat(HexFormat.of().formatHex(Der.contextPrimitive(2, new byte[] {'a'}))).isEqualTo("820161");
    assertThatThrownBy(() -> Der.printableString("a_b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("printableString: 'a_b' (expected: A-Z a-z 0-9 space '()+,-./:=?)");
    assertThatThrownBy(() -> Der.oid("3.1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("oid: 3.1 (expected: first arc 0-2");
  }

  @Test
  void readerRefusesWhatIsNotStrictDer() {
    assertThatThrownBy(() -> DerReader.single(HexFormat.of().parseHex("3080020100"), Der.SEQUENCE, "X"))
        .isInstanceOf(PkiException.class).hasMessage("X: indefinite length is not DER");
    assertThatThrownBy(() -> DerReader.single(HexFormat.of().parseHex("3005020100"), Der.SEQUENCE, "X"))
        .isInstanceOf(PkiException.class).hasMessage("X: truncated DER (element of 5 bytes, 3 left)");
    assertThatThrownBy(() -> DerReader.single(HexFormat.of().parseHex("020100"), Der.SEQUENCE, "X"))
        .isInstanceOf(PkiException.class).hasMessage("X: X has tag 0x02, expected 0x30");
    assertThatThrownBy(() -> DerReader.single(HexFormat.of().parseHex("1f0100"), Der.SEQUENCE, "X"))
        .isInstanceOf(PkiException.class).hasMessage("X: multi-byte ASN.1 tags are not supported");
    assertThatThrownBy(() -> DerReader.oid(new byte[] {(byte) 0x86}, "X"))
        .isInstanceOf(PkiException.class).hasMessage("X: malformed OBJECT IDENTIFIER");
  }
}
