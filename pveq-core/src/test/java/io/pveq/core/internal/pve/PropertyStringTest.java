package io.pveq.core.internal.pve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pveq.core.InvalidSpecException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PropertyStringTest {

    @Test
    void partWithoutKeyBelongsToTheDefaultKey() {
        PropertyString p = PropertyString.parse("local-lvm:vm-100-disk-0,iothread=1,size=32G", "file");
        assertEquals(Map.of("file", "local-lvm:vm-100-disk-0", "iothread", "1", "size", "32G"), p.entries());
        assertEquals("local-lvm:vm-100-disk-0,iothread=1,size=32G", p.encode("file"));
    }

    @Test
    void valueMayContainEqualsSigns() {
        assertEquals(Optional.of("creation-qemu=9.2.0"),
                PropertyString.parse("x=creation-qemu=9.2.0,ctime=1", null).get("x"));
    }

    @Test
    void acceptsDoubleQuotedValuesWithEscapes() {
        PropertyString p = PropertyString.parse("a=\"x,y\",b=\"say \\\"hi\\\"\",c=plain", null);
        assertEquals(Map.of("a", "x,y", "b", "say \"hi\"", "c", "plain"), p.entries());
    }

    @Test
    void rejectsKeylessPartsWithoutDefaultKeyRepeatedKeysAndOpenQuotes() {
        assertThrows(IllegalArgumentException.class, () -> PropertyString.parse("virtio,bridge=vmbr0", null));
        assertThrows(IllegalArgumentException.class, () -> PropertyString.parse("a=1,a=2", null));
        assertThrows(IllegalArgumentException.class, () -> PropertyString.parse("a=\"open", null));
    }

    @Test
    void builderRefusesValuesProxmoxWouldSplit() {
        assertThrows(InvalidSpecException.class, () -> PropertyString.builder().put("import-from", "/a,b"));
        assertThrows(InvalidSpecException.class, () -> PropertyString.builder().put("x", "say \"hi\""));
        assertThrows(InvalidSpecException.class, () -> PropertyString.builder().put("x", "line\nbreak"));
        assertThrows(InvalidSpecException.class, () -> PropertyString.builder().put("x", ""));
        assertThrows(IllegalArgumentException.class, () -> PropertyString.builder().put("bad key", "v"));
    }

    @Test
    void encodesInInsertionOrderAndRoundTrips() {
        PropertyString p = PropertyString.builder().put("model", "virtio").put("bridge", "vmbr0").put("tag", "20")
                .build();
        assertEquals("virtio,bridge=vmbr0,tag=20", p.encode("model"));
        assertEquals("model=virtio,bridge=vmbr0,tag=20", p.encode());
        assertEquals(p, PropertyString.parse(p.encode("model"), "model"));
    }
}
