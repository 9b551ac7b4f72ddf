package io.pveq.core.internal.pve;

import io.pveq.core.StorageInfo;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code pvesh get ... --output-format json} answers (the {@code data} part only) through Jackson
 * DTOs that mirror Proxmox's JSON, then maps them to pveq's records. Lenient where Proxmox is loose:
 * numbers may come as strings, booleans as 0/1 (or "0"/"1"), optional fields may be missing, unknown
 * fields are ignored. Stateless and thread-safe (the mapper is configured once and only read).
 */
public final class PveshParsers {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY, false);

    private PveshParsers() {
    }

    /** Accepts true/false, 0/1, "0"/"1", "true"/"false", "yes"/"no", "on"/"off". */
    static final class Flag extends JsonDeserializer<Boolean> {
        @Override
        public Boolean deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
                return t == JsonToken.VALUE_TRUE;
            }
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                return p.getDoubleValue() != 0;
            }
            String text = p.getValueAsString("").strip().toLowerCase(java.util.Locale.ROOT);
            return switch (text) {
                case "1", "true", "yes", "on" -> true;
                case "0", "false", "no", "off", "" -> false;
                default -> throw ctx.weirdStringException(text, Boolean.class, "not a Proxmox boolean");
            };
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ResourceDto(String id, String type, Integer vmid, String node, String status, String name,
                       Integer maxcpu, Double cpu, Long maxmem, Long mem, Long maxdisk, Long disk, Long uptime,
                       @JsonDeserialize(using = Flag.class) Boolean template, String tags, String lock,
                       String pool, String hastate, String level) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record CpuInfoDto(String flags, String model, Integer cpus, Integer sockets, Integer cores) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record MemoryDto(Long total, Long used, Long free) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record NodeStatusDto(CpuInfoDto cpuinfo, MemoryDto memory, String pveversion, List<String> loadavg,
                         Long uptime) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record StorageDto(String storage, String type, String content, @JsonDeserialize(using = Flag.class) Boolean active,
                      @JsonDeserialize(using = Flag.class) Boolean enabled,
                      @JsonDeserialize(using = Flag.class) Boolean shared,
                      @JsonDeserialize(using = Flag.class) Boolean disable, Long total, Long used,
                      @JsonProperty("avail") Long available) {
    }

    private static <T> T read(String command, String stdout, TypeReference<T> type) {
        if (stdout.isBlank()) {
            throw new UnexpectedOutputException(command, "empty answer", stdout);
        }
        try {
            T value = MAPPER.readValue(stdout.strip(), type);
            if (value == null) {
                throw new UnexpectedOutputException(command, "null answer", stdout);
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new UnexpectedOutputException(command, "not the expected JSON: " + e.getOriginalMessage(), stdout);
        }
    }

    /**
     * Parses {@code /cluster/resources --type vm}: qemu and lxc guests alike (use {@link ClusterVm#qemu()}).
     * Entries without a VMID or node are skipped (other resource types in an unfiltered answer).
     */
    public static List<ClusterVm> clusterVms(String command, String stdout) {
        return read(command, stdout, new TypeReference<List<ResourceDto>>() { }).stream()
                .filter(r -> r.vmid() != null && r.node() != null && ("qemu".equals(r.type()) || "lxc".equals(r.type())))
                .map(r -> new ClusterVm(VmId.of(r.vmid()), r.type(), NodeName.of(r.node()),
                        Optional.ofNullable(r.status()).orElse("unknown"), Optional.ofNullable(r.name()),
                        Optional.ofNullable(r.maxcpu()), Optional.ofNullable(r.cpu()), Optional.ofNullable(r.maxmem()),
                        Optional.ofNullable(r.mem()), Optional.ofNullable(r.maxdisk()), Optional.ofNullable(r.uptime()),
                        Boolean.TRUE.equals(r.template()), splitTags(r.tags()), Optional.ofNullable(r.lock()),
                        Optional.ofNullable(r.pool()), Optional.ofNullable(r.hastate())))
                .toList();
    }

    /** Parses {@code /nodes} or {@code /cluster/resources --type node}. */
    public static List<ClusterNode> nodes(String command, String stdout) {
        return read(command, stdout, new TypeReference<List<ResourceDto>>() { }).stream()
                .filter(r -> r.node() != null && (r.type() == null || "node".equals(r.type())))
                .map(r -> new ClusterNode(NodeName.of(r.node()), Optional.ofNullable(r.status()).orElse("unknown"),
                        Optional.ofNullable(r.cpu()), Optional.ofNullable(r.maxcpu()), Optional.ofNullable(r.mem()),
                        Optional.ofNullable(r.maxmem()), Optional.ofNullable(r.disk()), Optional.ofNullable(r.maxdisk()),
                        Optional.ofNullable(r.uptime()), Optional.ofNullable(r.level()).filter(l -> !l.isBlank())))
                .toList();
    }

    /** Parses {@code /nodes/{node}/status}. */
    public static NodeStatus nodeStatus(String command, String stdout) {
        NodeStatusDto dto = read(command, stdout, new TypeReference<NodeStatusDto>() { });
        if (dto.cpuinfo() == null || dto.cpuinfo().flags() == null || dto.memory() == null
                || dto.pveversion() == null) {
            throw new UnexpectedOutputException(command, "cpuinfo.flags, memory or pveversion missing", stdout);
        }
        CpuInfoDto cpu = dto.cpuinfo();
        MemoryDto mem = dto.memory();
        List<Double> load = dto.loadavg() == null ? List.of()
                : dto.loadavg().stream().map(Double::parseDouble).toList();
        return new NodeStatus(new HashSet<>(Arrays.asList(cpu.flags().strip().split("\\s+"))),
                Optional.ofNullable(cpu.model()).orElse(""), orZero(cpu.cpus()), orZero(cpu.sockets()),
                orZero(mem.total()), orZero(mem.used()), orZero(mem.free()), dto.pveversion(), load,
                Optional.ofNullable(dto.uptime()));
    }

    /** Parses {@code /nodes/{node}/storage}. */
    public static List<StorageInfo> storages(String command, String stdout) {
        return read(command, stdout, new TypeReference<List<StorageDto>>() { }).stream()
                .filter(s -> s.storage() != null)
                .map(s -> new StorageInfo(s.storage(), Optional.ofNullable(s.type()).orElse("unknown"),
                        splitContent(s.content()), Boolean.TRUE.equals(s.active()),
                        s.enabled() != null ? s.enabled() : !Boolean.TRUE.equals(s.disable()),
                        Boolean.TRUE.equals(s.shared()), orZero(s.total()),
                        orZero(s.used()), orZero(s.available())))
                .toList();
    }

    /** Parses {@code /cluster/nextid}: a JSON string such as {@code "100"} (a bare number is accepted too). */
    public static VmId nextId(String command, String stdout) {
        String text = read(command, stdout, new TypeReference<String>() { });
        try {
            return VmId.parse("nextid", text.strip());
        } catch (RuntimeException e) {
            throw new UnexpectedOutputException(command, "not a VMID", stdout);
        }
    }

    private static List<String> splitTags(String tags) {
        return tags == null ? List.of()
                : Arrays.stream(tags.split("[;, ]+")).filter(t -> !t.isEmpty()).toList();
    }

    private static Set<String> splitContent(String content) {
        return content == null ? Set.of()
                : Set.copyOf(Arrays.stream(content.split("[, ]+")).filter(c -> !c.isEmpty()).toList());
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
