package io.pveq.images.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.images.testing.Images;
import org.junit.jupiter.api.Test;

class ChecksumFileTest {

    private final byte[] data = Images.bytes(1000, 1);

    @Test
    void readsDebianSha512SumsByFileName() {
        String name = "debian-12-generic-amd64.qcow2";
        ChecksumFile file = ChecksumFile.parse(Images.debianSums(name, data));
        assertEquals(new ExpectedChecksum("SHA-512", Images.hex("SHA-512", data)), file.find(name).orElseThrow());
        assertEquals(2, file.entries().size());
    }

    @Test
    void readsUbuntuSha256SumsWithBinaryMarker() {
        String name = "ubuntu-24.04-server-cloudimg-amd64.img";
        ChecksumFile file = ChecksumFile.parse(Images.ubuntuSums(name, data));
        assertEquals(new ExpectedChecksum("SHA-256", Images.hex("SHA-256", data)), file.find(name).orElseThrow());
    }

    @Test
    void readsRockyBsdStyleChecksumSkippingComments() {
        String name = "Rocky-9-GenericCloud-Base.latest.x86_64.qcow2";
        String text = "# Rocky-9-GenericCloud-Base-9.5-20241118.0.x86_64.qcow2: 609812480 bytes\n"
                + "SHA256 (Rocky-9-GenericCloud-Base-9.5-20241118.0.x86_64.qcow2) = " + "a".repeat(64) + "\n"
                + Images.rockyChecksum(name, data);
        ChecksumFile file = ChecksumFile.parse(text);
        assertEquals(new ExpectedChecksum("SHA-256", Images.hex("SHA-256", data)), file.find(name).orElseThrow());
        assertEquals("a".repeat(64), file.find("Rocky-9-GenericCloud-Base-9.5-20241118.0.x86_64.qcow2")
                .orElseThrow().hex());
    }

    @Test
    void ignoresSignaturesGarbageAndWrongLengthsAndUppercasesNothing() {
        String text = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n"
                + "ABCDEF" + "0".repeat(58) + "  ./upper.img\r\n"
                + "1234  short.img\n"
                + "SHA256 (bad.img) = 1234\n"
                + "-----BEGIN PGP SIGNATURE-----\n";
        ChecksumFile file = ChecksumFile.parse(text);
        assertEquals("abcdef" + "0".repeat(58), file.find("upper.img").orElseThrow().hex());
        assertTrue(file.find("short.img").isEmpty());
        assertTrue(file.find("bad.img").isEmpty());
        assertEquals(1, file.entries().size());
    }
}
