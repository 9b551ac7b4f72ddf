package io.pveq.core.internal.pve;

import io.pveq.core.DiskSize;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what disk imports print: {@code qm disk import}/{@code importdisk} in both generations
 * (qemu-server up to 8.2.6: {@code Successfully imported disk as 'unused0:local-lvm:vm-100-disk-0'};
 * from 8.2.7: {@code unused0: successfully imported disk 'local-lvm:vm-100-disk-0'}), the
 * {@code scsi0: successfully created disk 'vmdata:vm-9000-disk-0,size=3584M'} lines of a create or set
 * with {@code import-from}, and {@code transferred X of Y (NN.NN%)} progress lines. Volume names are
 * always taken from this output (they differ by storage type), never guessed. Stateless, thread-safe.
 */
public final class DiskImportOutput {

    private static final Pattern OLD_IMPORT = Pattern.compile(
            "Successfully imported disk as '([a-z]+\\d+):([^']+)'");
    private static final Pattern NEW_IMPORT = Pattern.compile(
            "([a-z]+\\d+): successfully imported disk '([^']+)'");
    private static final Pattern CREATED = Pattern.compile("([a-z]+\\d+): successfully created disk '([^']+)'");
    private static final Pattern PROGRESS = Pattern.compile(
            "transferred (\\S+ \\S+) of (\\S+ \\S+) \\((\\d+(?:\\.\\d+)?)%\\)");

    private DiskImportOutput() {
    }

    /**
     * A disk that an import attached.
     *
     * @param slot   the config key it went to ({@code unused0}, or the target disk when one was named)
     * @param volume the volume Proxmox created
     */
    public record ImportedDisk(String slot, VolumeId volume) {

        /** Validates. */
        public ImportedDisk {
            Objects.requireNonNull(slot, "slot");
            Objects.requireNonNull(volume, "volume");
        }
    }

    /**
     * A disk that a create or set allocated ({@code import-from} or a cloud-init drive).
     *
     * @param slot    the config key ({@code scsi0}, {@code ide2})
     * @param volume  the volume
     * @param options the rest of the printed property string ({@code size=3584M}, {@code media=cdrom})
     */
    public record CreatedDisk(String slot, VolumeId volume, PropertyString options) {

        /** Validates. */
        public CreatedDisk {
            Objects.requireNonNull(slot, "slot");
            Objects.requireNonNull(volume, "volume");
            Objects.requireNonNull(options, "options");
        }

        /** @return the size Proxmox printed, if any */
        public Optional<DiskSize> size() {
            return options.get("size").map(ProxmoxSizes::parse);
        }
    }

    /**
     * @param command the command line, for error messages
     * @param stdout  the import's output
     * @return the imported disk
     * @throws UnexpectedOutputException when neither known success line is present
     */
    public static ImportedDisk imported(String command, String stdout) {
        for (String line : stdout.split("\\R")) {
            Matcher old = OLD_IMPORT.matcher(line.strip());
            if (old.matches()) {
                return new ImportedDisk(old.group(1), VolumeId.parse(old.group(2)));
            }
            Matcher recent = NEW_IMPORT.matcher(line.strip());
            if (recent.matches()) {
                return new ImportedDisk(recent.group(1), VolumeId.parse(recent.group(2)));
            }
        }
        throw new UnexpectedOutputException(command, "no 'successfully imported disk' line", stdout);
    }

    /**
     * @param stdout the output of a {@code qm create} or {@code qm set}
     * @return every disk it reports created, in order (possibly none)
     */
    public static List<CreatedDisk> created(String stdout) {
        List<CreatedDisk> disks = new ArrayList<>();
        for (String line : stdout.split("\\R")) {
            Matcher m = CREATED.matcher(line.strip());
            if (m.matches()) {
                PropertyString all = PropertyString.parse(m.group(2), "file");
                Map<String, String> rest = new java.util.LinkedHashMap<>(all.entries());
                VolumeId volume = VolumeId.parse(rest.remove("file"));
                disks.add(new CreatedDisk(m.group(1), volume, new PropertyString(rest)));
            }
        }
        return List.copyOf(disks);
    }

    /**
     * @param line one output line (progress lines may end with {@code \r})
     * @return the percentage done, when the line is a {@code transferred X of Y (NN.NN%)} line
     */
    public static Optional<Double> progressPercent(String line) {
        Matcher m = PROGRESS.matcher(line);
        return m.find() ? Optional.of(Double.parseDouble(m.group(3))) : Optional.empty();
    }
}
