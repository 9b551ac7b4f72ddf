package io.pveq.core.internal.pve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pveq.core.DiskSize;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DiskImportOutputTest {

    @Test
    void readsTheOldImportLine() {
        String out = "importing disk '/tmp/a.qcow2' to VM 100 ...\ntransferred 0.0 B of 2.2 GiB (0.00%)\n"
                + "transferred 2.2 GiB of 2.2 GiB (100.00%)\n"
                + "Successfully imported disk as 'unused0:local-lvm:vm-100-disk-0'\n";
        DiskImportOutput.ImportedDisk d = DiskImportOutput.imported("qm importdisk", out);
        assertEquals("unused0", d.slot());
        assertEquals(new VolumeId("local-lvm", "vm-100-disk-0"), d.volume());
    }

    @Test
    void readsTheNewImportLineAndFileStorageVolumeNames() {
        String out = "transferred 2.2 GiB of 2.2 GiB (100.00%)\n"
                + "unused1: successfully imported disk 'local:100/vm-100-disk-1.qcow2'\n";
        DiskImportOutput.ImportedDisk d = DiskImportOutput.imported("qm disk import", out);
        assertEquals("unused1", d.slot());
        assertEquals(new VolumeId("local", "100/vm-100-disk-1.qcow2"), d.volume());
        assertEquals("vm-100-disk-0", DiskImportOutput.imported("x",
                "unused0: successfully imported disk 'tank:vm-100-disk-0'").volume().volume());
    }

    @Test
    void importWithoutSuccessLineIsUnexpected() {
        assertThrows(UnexpectedOutputException.class, () -> DiskImportOutput.imported("x", "transferred 1 of 2\n"));
        assertThrows(UnexpectedOutputException.class, () -> DiskImportOutput.imported("x", ""));
    }

    @Test
    void readsCreatedDisksFromTheRecordedSetWithImportFrom() {
        String out = Samples.transcriptOutputs(
                "qm set 9000 --scsi0 vmdata:0,import-from=/root/pve-images/ubuntu-24.04-server-cloudimg-amd64.img")
                .get(0);
        List<DiskImportOutput.CreatedDisk> disks = DiskImportOutput.created(out);
        assertEquals(1, disks.size());
        assertEquals("scsi0", disks.get(0).slot());
        assertEquals(new VolumeId("vmdata", "vm-9000-disk-0"), disks.get(0).volume());
        assertEquals(Optional.of(DiskSize.ofMiB(3584)), disks.get(0).size());
        List<DiskImportOutput.CreatedDisk> ci = DiskImportOutput.created(
                Samples.transcriptOutputs("qm set 9000 --ide2 vmdata:cloudinit").get(0));
        assertEquals("ide2", ci.get(0).slot());
        assertEquals(Optional.of("cdrom"), ci.get(0).options().get("media"));
    }

    @Test
    void createOutputWithSeveralDisksAndNone() {
        String out = "transferred 0.0 B of 32.0 GiB (0.00%)\ntransferred 32.0 GiB of 32.0 GiB (100.00%)\n"
                + "scsi0: successfully created disk 'local:101/vm-101-disk-0.raw,discard=on,iothread=1,size=32G'\n"
                + "ide2: successfully created disk 'local:101/vm-101-cloudinit.qcow2,media=cdrom'\n";
        List<DiskImportOutput.CreatedDisk> disks = DiskImportOutput.created(out);
        assertEquals(List.of("scsi0", "ide2"), disks.stream().map(DiskImportOutput.CreatedDisk::slot).toList());
        assertEquals("101/vm-101-disk-0.raw", disks.get(0).volume().volume());
        assertEquals(List.of(), DiskImportOutput.created("update VM 100: -cores 2\n"));
    }

    @Test
    void progressLines() {
        assertEquals(Optional.of(42.5), DiskImportOutput.progressPercent("transferred 1.0 GiB of 2.4 GiB (42.50%)\r"));
        assertEquals(Optional.of(100.0),
                DiskImportOutput.progressPercent("transferred 3.5 GiB of 3.5 GiB (100.00%)"));
        assertEquals(Optional.empty(), DiskImportOutput.progressPercent("generating cloud-init ISO"));
    }
}
