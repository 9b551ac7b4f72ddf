package io.pveq.sim.internal.api;

import io.pveq.sim.PveRelease;
import io.pveq.sim.internal.Failure;
import io.pveq.sim.internal.params.Rule;
import io.pveq.sim.internal.state.ClusterState;
import io.pveq.sim.internal.state.NodeState;
import io.pveq.sim.internal.state.StorageState;
import io.pveq.sim.internal.state.VmState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Storages: the cluster's storage list and content types, a node's storages, their status and
 * content, {@code upload} (multipart, checksum, the content's naming and format rules) and
 * {@code download-url} (the node fetches from a loopback URL itself).
 */
final class StorageRoutes {

    private static final Pattern BACKUP_VOLUME =
            Pattern.compile("[^:]+:backup/vzdump-(?:qemu|lxc)-(\\d+)-[^/]+");
    private static final Set<String> CONTENT_TYPES = Set.of("images", "rootdir", "vztmpl", "iso", "backup",
            "snippets", "import");

    private StorageRoutes() {
    }

    static void register(ApiRoutes routes) {
        List<String> types = new ArrayList<>(List.of("btrfs", "cephfs", "cifs", "dir", "esxi", "iscsi", "iscsidirect",
                "lvm", "lvmthin", "nfs", "pbs", "rbd", "zfs", "zfspool"));
        if (routes.context().release().major() < 9) {
            types.add("glusterfs");
        }
        routes.get("/storage")
                .rule("type", Rule.oneOf(types.stream().sorted().toArray(String[]::new)))
                .handle(StorageRoutes::clusterStorages);
        routes.put("/storage/{storage}")
                .rule("content", Rule.format(v -> {
                    for (String type : v.split("[,;\\s]+")) {
                        if (!type.isEmpty() && !CONTENT_TYPES.contains(type)) {
                            return Optional.of("invalid content type '" + type + "'");
                        }
                    }
                    return Optional.empty();
                }))
                .handle(StorageRoutes::updateStorage);
        routes.get("/nodes/{node}/storage")
                .rule("content", Rule.string(0))
                .rule("storage", ApiRules.STORAGE)
                .rule("enabled", Rule.bool())
                .handle(call -> call.read(state -> {
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (Map<String, Object> entry : call.data().storages(state, call.node(),
                            call.optional("content").orElse(null), call.optional("storage").orElse(null))) {
                        boolean enabled = ((Number) entry.get("enabled")).intValue() == 1;
                        if ((call.flag("enabled") && !enabled) || !call.context().access().has(state.access,
                                call.authid(), "/storage/" + entry.get("storage"),
                                List.of("Datastore.Audit", "Datastore.AllocateSpace"), true)) {
                            continue;
                        }
                        out.add(entry);
                    }
                    return out;
                }));
        routes.get("/nodes/{node}/storage/{storage}/status").handle(call -> call.read(state -> {
            usable(state, call.node(), call.param("storage"));
            Map<String, Object> entry = new TreeMap<>(call.data().storages(state, call.node(), null,
                    call.param("storage")).get(0));
            entry.remove("storage");
            entry.remove("used_fraction");
            return entry;
        }));
        routes.get("/nodes/{node}/storage/{storage}/content")
                .rule("content", Rule.string(0))
                .rule("vmid", ApiRules.VMID)
                .handle(StorageRoutes::content);
        routes.delete("/nodes/{node}/storage/{storage}/content/{volume}")
                .task()
                .handle(StorageRoutes::deleteVolume);
        routes.post("/nodes/{node}/storage/{storage}/upload")
                .rule("content", ApiRules.CONTENT)
                .rule("filename", Rule.string(255))
                .rule("checksum", Rule.string(0))
                .rule("checksum-algorithm", ApiRules.CHECKSUM_ALGORITHM)
                .task()
                .handle(StorageRoutes::upload);
        routes.post("/nodes/{node}/storage/{storage}/download-url")
                .rule("url", Rule.pattern("https?://.+"))
                .rule("content", ApiRules.CONTENT)
                .rule("filename", Rule.string(255))
                .rule("checksum", Rule.string(0))
                .rule("checksum-algorithm", ApiRules.CHECKSUM_ALGORITHM)
                .rule("verify-certificates", Rule.bool())
                .rule("compression", Rule.oneOf("gz", "lzo", "zst", "bz2"))
                .task()
                .handle(StorageRoutes::downloadUrl);
    }

    private static Object clusterStorages(ApiCall call) {
        return call.read(state -> {
            Map<String, Map<String, Object>> byId = new TreeMap<>();
            Map<String, Set<String>> nodes = new TreeMap<>();
            for (NodeState node : state.nodes) {
                for (StorageState storage : node.storages) {
                    nodes.computeIfAbsent(storage.id, k -> new TreeSet<>()).add(node.name);
                    byId.computeIfAbsent(storage.id, id -> {
                        Map<String, Object> entry = new TreeMap<>();
                        entry.put("storage", id);
                        entry.put("type", storage.type);
                        entry.put("content", String.join(",", new TreeSet<>(storage.content)));
                        if (storage.shared) {
                            entry.put("shared", 1);
                        }
                        if (storage.path != null) {
                            entry.put("path", storage.path);
                        }
                        if (!storage.enabled) {
                            entry.put("disable", 1);
                        }
                        entry.put("digest", io.pveq.sim.internal.QmQuery.digestOf(String.valueOf(storage.content)));
                        return entry;
                    });
                }
            }
            List<Map<String, Object>> out = new ArrayList<>();
            byId.forEach((id, entry) -> {
                if (call.optional("type").map(t -> t.equals(entry.get("type"))).orElse(true)
                        && call.context().access().has(state.access, call.authid(), "/storage/" + id,
                        List.of("Datastore.Audit", "Datastore.AllocateSpace"), true)) {
                    if (nodes.get(id).size() < state.nodes.size()) {
                        entry.put("nodes", String.join(",", nodes.get(id)));
                    }
                    out.add(entry);
                }
            });
            return out;
        });
    }

    private static Object updateStorage(ApiCall call) {
        String id = call.param("storage");
        Optional<String> content = call.optional("content");
        String type = call.engine().store().write(state -> {
            String found = null;
            for (NodeState node : state.nodes) {
                for (StorageState storage : node.storages) {
                    if (storage.id.equals(id)) {
                        found = storage.type;
                        content.ifPresent(c -> storage.content = new ArrayList<>(new TreeSet<>(
                                List.of(c.split("[,;\\s]+")))));
                    }
                }
            }
            if (found == null) {
                throw new Failure("storage '" + id + "' does not exist");
            }
            return found;
        });
        return new TreeMap<>(Map.of("storage", id, "type", type));
    }

    /** storage_check_enabled: the storage exists on the node and is enabled. */
    static StorageState usable(ClusterState state, String node, String id) {
        NodeState n = state.node(node).orElseThrow(() -> new Failure("no such cluster node '" + node + "'"));
        boolean anywhere = state.nodes.stream().anyMatch(other -> other.storage(id).isPresent());
        if (!anywhere) {
            throw new Failure("storage '" + id + "' does not exist");
        }
        StorageState storage = n.storage(id)
                .orElseThrow(() -> new Failure("storage '" + id + "' is not available on node '" + node + "'"));
        if (!storage.enabled) {
            throw new Failure("storage '" + id + "' is disabled");
        }
        return storage;
    }

    private static Object content(ApiCall call) {
        String node = call.node();
        String id = call.param("storage");
        Optional<String> onlyContent = call.optional("content");
        Optional<String> onlyVm = call.optional("vmid");
        return call.read(state -> {
            StorageState storage = usable(state, node, id);
            List<Map<String, Object>> out = new ArrayList<>();
            for (VmState vm : state.vms.values()) {
                if ((!storage.shared && !vm.node.equals(node)) || onlyVm.map(v -> !v.equals(Integer.toString(vm.vmid))).orElse(false)
                        || !call.context().access().has(state.access, call.authid(), "/vms/" + vm.vmid,
                        List.of("VM.Audit"), false)) {
                    continue;
                }
                for (VmState.Volume volume : vm.volumes) {
                    String kind = "lxc".equals(vm.type) ? "rootdir" : "images";
                    if (!volume.storage.equals(id) || onlyContent.map(c -> !c.equals(kind)).orElse(false)) {
                        continue;
                    }
                    Map<String, Object> entry = new TreeMap<>();
                    entry.put("volid", volume.volid);
                    entry.put("content", kind);
                    entry.put("format", volume.format == null ? "raw" : volume.format);
                    entry.put("size", volume.sizeBytes);
                    entry.put("used", volume.sizeBytes / 4);
                    entry.put("vmid", vm.vmid);
                    entry.put("ctime", vm.createdAtMillis / 1000);
                    out.add(entry);
                }
            }
            if (storage.path != null && onlyVm.isEmpty()) {
                NodeState n = state.node(node).orElseThrow();
                for (String type : List.of("iso", "vztmpl", "import")) {
                    if (!storage.content.contains(type) || onlyContent.map(c -> !c.equals(type)).orElse(false)) {
                        continue;
                    }
                    String dir = directory(storage, type) + "/";
                    for (Map.Entry<String, NodeState.FileEntry> file : n.files.entrySet()) {
                        String name = file.getKey().startsWith(dir) ? file.getKey().substring(dir.length()) : null;
                        if (name == null || name.contains("/")) {
                            continue;
                        }
                        Map<String, Object> entry = new TreeMap<>();
                        entry.put("volid", id + ":" + type + "/" + name);
                        entry.put("content", type);
                        entry.put("format", format(type, name));
                        entry.put("size", file.getValue().sizeBytes);
                        out.add(entry);
                    }
                }
            }
            BackupRoutes.content(call, state, storage, onlyContent, onlyVm, out);
            return out;
        });
    }

    /** Where a file-based storage keeps a content type (below its path). */
    static String directory(StorageState storage, String content) {
        String base = storage.path == null ? "/var/lib/vz" : storage.path;
        return switch (content) {
            case "iso" -> base + "/template/iso";
            case "vztmpl" -> base + "/template/cache";
            case "snippets" -> base + "/snippets";
            case "backup" -> base + "/dump";
            default -> base + "/" + content;
        };
    }

    private static String format(String content, String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return switch (content) {
            case "iso" -> "iso";
            case "vztmpl" -> lower.endsWith(".tar.zst") ? "tzst" : lower.endsWith(".tar.xz") ? "txz" : "tgz";
            default -> lower.substring(lower.lastIndexOf('.') + 1);
        };
    }

    /** The rules both upload and download-url apply to a file name; returns the image format for import. */
    private static Optional<String> checkName(String content, String filename, PveRelease release) {
        switch (content) {
            case "iso" -> {
                if (!filename.matches("(?i)[^/]+\\.(iso|img)")) {
                    throw ApiException.parameter("filename", "wrong file extension");
                }
                return Optional.empty();
            }
            case "vztmpl" -> {
                if (!filename.matches("(?i)[^/]+\\.(tar|tar\\.(gz|xz|zst|bz2))")) {
                    throw ApiException.parameter("filename", "wrong file extension");
                }
                return Optional.empty();
            }
            default -> {
                String extensions = release == PveRelease.PVE_8_1 ? "ova" : "ova|qcow2|raw|vmdk";
                Matcher m = Pattern.compile("[a-zA-Z0-9\\-.+=_]+\\.(" + extensions + ")")
                        .matcher(filename);
                if (!m.matches()) {
                    throw ApiException.parameter("filename", "invalid filename or wrong extension");
                }
                return m.group(1).equals("ova") ? Optional.empty() : Optional.of(m.group(1));
            }
        }
    }

    private static String normalize(String filename) {
        String name = filename.strip();
        name = name.replaceAll("^.*[/\\\\]", "");
        return name.replaceAll("[^a-zA-Z0-9_.-]", "_");
    }

    private static Object upload(ApiCall call) {
        String node = call.node();
        String id = call.param("storage");
        String content = call.param("content");
        Multipart.FilePart file = call.upload().orElseThrow(() -> ApiException.failure("missing temporary file name"));
        StorageState storage = call.read(state -> usable(state, node, id));
        if (storage.path == null) {
            throw ApiException.failure("can't upload to storage type '" + storage.type + "'");
        }
        String filename = normalize(call.param("filename"));
        Optional<String> format = checkName(content, filename, call.context().release());
        if (!storage.content.contains(content)) {
            throw ApiException.failure("storage '" + id + "' does not support '" + content + "' content");
        }
        ImageFile.Inspected inspected = ImageFile.inspect(file.file(), file.size(),
                call.optional("checksum-algorithm"));
        String tmp = "/var/tmp/pveupload-" + HexFormat.of().formatHex(inspected.sha256Bytes(), 0, 16);
        String dest = directory(storage, content) + "/" + filename;
        return call.task("imgcopy", "", exec -> {
            exec.out("starting file import from: " + tmp);
            call.optional("checksum-algorithm").ifPresent(algorithm -> {
                String expected = call.param("checksum");
                String got = inspected.checksum();
                if (!got.equalsIgnoreCase(expected)) {
                    exec.out("calculating checksum...");
                    throw new Failure("checksum mismatch: got '" + got + "' != expect '" + expected + "'");
                }
                exec.out("calculating checksum...OK, checksum verified");
            });
            format.ifPresent(f -> inspected.requireFormat(f, tmp));
            exec.out("target node: " + node);
            exec.out("target file: " + dest);
            exec.out("file size is: " + file.size());
            exec.out("command: cp -- " + tmp + " " + dest);
            exec.pause(Duration.ofMillis(200 + file.size() / (400L << 10)));
            register(call, node, storage, dest, inspected, file.file());
            exec.out("finished file import successfully");
        });
    }

    private static Object downloadUrl(ApiCall call) {
        String node = call.node();
        String id = call.param("storage");
        String content = call.param("content");
        String url = call.param("url");
        StorageState storage = call.read(state -> usable(state, node, id));
        if (storage.path == null) {
            throw ApiException.failure("can't upload to storage type '" + storage.type + "', not a file based storage!");
        }
        if (!storage.content.contains(content)) {
            throw ApiException.failure("storage '" + id + "' is not configured for content-type '" + content + "'");
        }
        String filename = normalize(call.param("filename"));
        Optional<String> format = checkName(content, filename, call.context().release());
        if (call.optional("checksum").isPresent() != call.optional("checksum-algorithm").isPresent()) {
            throw ApiException.parameter(call.optional("checksum").isPresent() ? "checksum-algorithm" : "checksum",
                    "parameter is missing and it is not optional");
        }
        String dest = directory(storage, content) + "/" + filename;
        boolean verify = !"0".equals(call.params().get("verify-certificates"));
        return call.task("download", filename.replace(":", "\\x3a"), exec -> {
            call.optional("compression").ifPresent(c -> {
                if (!content.equals("iso")) {
                    throw new Failure("decompression not supported for " + content);
                }
                throw new Failure("pveq-sim does not simulate decompressing downloads");
            });
            exec.out("downloading " + url + " to " + dest);
            boolean exists = call.read(state -> state.node(node).map(n -> n.files.containsKey(dest)).orElse(false));
            if (exists) {
                throw new Failure("refusing to override existing file '" + dest + "'");
            }
            Path fetched = ImageFile.download(exec, url, verify, call.context().tempDir());
            try {
                ImageFile.Inspected inspected = ImageFile.inspect(fetched, fetched.toFile().length(),
                        call.optional("checksum-algorithm"));
                call.optional("checksum-algorithm").ifPresent(algorithm -> {
                    String expected = call.param("checksum");
                    if (!inspected.checksum().equalsIgnoreCase(expected)) {
                        exec.out("calculating checksum...");
                        throw new Failure("checksum mismatch: got '" + inspected.checksum() + "' != expect '"
                                + expected + "'");
                    }
                    exec.out("calculating checksum...OK, checksum verified");
                });
                format.ifPresent(f -> {
                    try {
                        inspected.requireFormat(f, dest + ".tmp_dwnl." + (1000 + Math.abs(url.hashCode() % 9000)));
                    } catch (Failure failure) {
                        throw new Failure("failed to verify file: " + failure.getMessage());
                    }
                });
                register(call, node, storage, dest, inspected, fetched);
                exec.out("download of '" + url + "' to '" + dest + "' finished");
            } finally {
                ImageFile.delete(fetched);
            }
        });
    }

    /**
     * Deletes a file volume ({@code iso}, {@code vztmpl}, {@code import}) of a file-based storage, as an
     * {@code imgdel} task ({@code delay}, waiting for it, is not simulated). Disk images belong to their VM:
     * this simulator refuses them (not simulated). Needs
     * {@code Datastore.Allocate} on the storage.
     */
    private static Object deleteVolume(ApiCall call) {
        String node = call.node();
        String id = call.param("storage");
        String volume = call.param("volume");
        String volid = volume.contains(":") ? volume : id + ":" + volume;
        Matcher backup = BACKUP_VOLUME.matcher(volid);
        if (backup.matches() && !call.has("/storage/" + id, "Datastore.Allocate")) {
            // the schema's rule: Datastore.AllocateSpace is enough for a backup of a VM the caller may back up
            call.check("/storage/" + id, "Datastore.AllocateSpace");
            call.check("/vms/" + backup.group(1), "VM.Backup");
        } else if (!backup.matches()) {
            call.check("/storage/" + id, "Datastore.Allocate");
        }
        int colon = volid.indexOf(':');
        if (!volid.substring(0, colon).equals(id)) {
            throw ApiException.parameter("volume", "volume '" + volid + "' is not on storage '" + id + "'");
        }
        String name = volid.substring(colon + 1);
        int slash = name.indexOf('/');
        String type = slash < 0 ? "" : name.substring(0, slash);
        if (!List.of("iso", "vztmpl", "import", "backup").contains(type) || name.indexOf('/', slash + 1) >= 0) {
            throw ApiException.notImplemented("pveq-sim deletes iso, vztmpl, import and backup volumes only, not '"
                    + volid + "'");
        }
        StorageState storage = call.read(state -> usable(state, node, id));
        String path = directory(storage, type) + "/" + name.substring(slash + 1);
        boolean present = call.read(state -> state.node(node).map(n -> n.files.containsKey(path)).orElse(false));
        if (!present) {
            throw new Failure("volume '" + volid + "' does not exist");
        }
        return call.task("imgdel", volid.replace(":", "\\x3a"), exec -> {
            call.engine().store().write(state -> {
                for (NodeState n : state.nodes) {
                    if (n.name.equals(node) || (storage.shared && n.storage(storage.id).isPresent())) {
                        n.files.remove(path);
                    }
                }
                return null;
            });
            exec.out("Removed volume '" + volid + "'");
        });
    }

    /**
     * Records the file on the node (every node, for a shared storage), where {@code import-from} finds it;
     * when the cluster boots real guests its bytes are kept too ({@code received} is removed afterwards).
     */
    private static void register(ApiCall call, String node, StorageState storage, String path,
                                 ImageFile.Inspected inspected, Path received) {
        String kept = call.engine().qemu().map(q -> q.keepUpload(node, inspected.sha256(), received)).orElse(null);
        call.engine().store().write(state -> {
            for (NodeState n : state.nodes) {
                if (n.name.equals(node) || (storage.shared && n.storage(storage.id).isPresent())) {
                    NodeState.FileEntry entry = new NodeState.FileEntry(inspected.size(), inspected.virtualSize(),
                            inspected.sha256());
                    entry.file = kept;
                    n.files.put(path, entry);
                }
            }
            return null;
        });
    }
}
