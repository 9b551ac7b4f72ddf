package io.pveq.images.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveq.core.ImageException;
import io.pveq.core.image.ImageSource;
import io.pveq.core.image.ImageTarget;
import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.TransportException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a node fetch an image itself through Proxmox's {@code download-url} route (PVE 8.4+ for
 * content {@code import}; file-based storages only), with the distribution's checksum so Proxmox
 * verifies it. The file name carries the start of the upstream checksum, so a new {@code latest}
 * image gets a new name and an image the storage already holds is not fetched again. Commands are
 * argv lists run through the node's transport. Thread-safe.
 */
public final class NodeDownloadUrl {

    private static final Logger LOG = LoggerFactory.getLogger(NodeDownloadUrl.class);
    private static final Pattern STORAGE_ID = Pattern.compile("[a-z][a-z0-9._-]*[a-z0-9]");
    private static final Duration LIST_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeDownloadUrl() {
    }

    /** @return the file name on the storage: {@code pveq-<os>-<version>-<16 hex of the checksum>.qcow2} */
    public static String fileName(ImageSource source, ExpectedChecksum upstream) {
        String ext = ImageFetcher.extension(source.fileName());
        // Proxmox accepts .qcow2/.raw/.vmdk for import; Ubuntu's .img files are qcow2 inside
        String importExt = ext.equals(".raw") || ext.equals(".vmdk") ? ext : ".qcow2";
        return ("pveq-" + source.release().os() + "-" + source.release().version() + "-"
                + upstream.hex().substring(0, 16) + importExt);
    }

    /** @return the argv that lists the storage's import content as JSON */
    public static List<String> listArgv(String node, String storage) {
        return List.of("pvesh", "get", "/nodes/" + node + "/storage/" + storage + "/content", "--content", "import",
                "--output-format", "json");
    }

    /** @return the argv that makes the node download and verify the image */
    public static List<String> downloadArgv(String node, String storage, ImageSource source, ExpectedChecksum upstream) {
        return List.of("pvesh", "create", "/nodes/" + node + "/storage/" + storage + "/download-url",
                "--url", source.imageUri().toString(),
                "--content", "import",
                "--filename", fileName(source, upstream),
                "--checksum", upstream.hex(),
                "--checksum-algorithm", upstream.algorithm().replace("-", "").toLowerCase(Locale.ROOT));
    }

    /**
     * @param timeout how long the node may take to download
     * @return the volume id for {@code import-from}, e.g. {@code local:import/pveq-debian-12-0123456789abcdef.qcow2}
     * @throws ImageException when the storage id is malformed, or listing or download fails
     */
    public static String place(ImageSource source, ExpectedChecksum upstream, ImageTarget target, String storage,
                               Duration timeout) {
        if (!STORAGE_ID.matcher(storage).matches()) {
            throw new ImageException("not a Proxmox storage id: " + storage);
        }
        String node = target.node().value();
        String volume = storage + ":import/" + fileName(source, upstream);
        CommandResult list = run(target, CommandRequest.builder(listArgv(node, storage)).timeout(LIST_TIMEOUT).build());
        if (list.succeeded() && holds(list.stdout(), volume)) {
            LOG.info("node {} already holds {}", node, volume);
            return volume;
        }
        CommandResult download = run(target, CommandRequest.builder(downloadArgv(node, storage, source, upstream))
                .timeout(timeout).build());
        if (!download.succeeded()) {
            throw new ImageException("node " + node + " could not download the " + source.release() + " image into "
                    + storage + " (exit " + download.exitCode() + "): " + download.stderrTail(300));
        }
        return volume;
    }

    static boolean holds(String json, String volume) {
        try {
            JsonNode root = JSON.readTree(json);
            if (root != null && root.isArray()) {
                for (JsonNode item : root) {
                    if (volume.equals(item.path("volid").asText())) {
                        return true;
                    }
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static CommandResult run(ImageTarget target, CommandRequest request) {
        try {
            return target.transport().run(request);
        } catch (TransportException e) {
            throw new ImageException("cannot run " + request.displayLine() + " on node " + target.node() + ": "
                    + e.getMessage(), e);
        }
    }
}
