package io.pveq.server.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pveq.core.DiskSize;
import io.pveq.core.InstallSpec;
import io.pveq.core.NodeName;
import io.pveq.core.OsRelease;
import io.pveq.core.Secret;
import io.pveq.core.SshPublicKey;
import io.pveq.core.VmId;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads request bodies strictly: a size limit, one JSON object, known fields only, each of its
 * documented type; any breach is a 400 (or 413) naming the field ({@code body} when the body as a
 * whole is at fault). Compatibility with clients written against the reference: {@code null}, an
 * empty string and, for the optional numbers {@code id}, {@code cpu} and {@code ram} of an
 * install, {@code 0} (a Go zero value) mean "not given".
 */
public final class RequestBodies {

    private static final Set<String> INSTALL_FIELDS = Set.of("os", "version", "name", "id", "node", "cpu", "ram",
            "disk", "user", "passwd", "pubkey");

    private final ObjectMapper mapper;
    private final int maxBytes;

    /**
     * @param mapper   the server's mapper
     * @param maxBytes largest body accepted
     */
    public RequestBodies(ObjectMapper mapper, int maxBytes) {
        this.mapper = mapper.copy().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.maxBytes = maxBytes;
    }

    /**
     * Reads at most {@code maxBytes} from a body.
     *
     * @param contentLength the declared length, -1 when unknown
     * @param in            the body
     * @return the bytes
     * @throws HttpError 413 when the body is larger than allowed
     */
    public byte[] read(long contentLength, InputStream in) {
        if (contentLength > maxBytes) {
            throw tooLarge();
        }
        try {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw tooLarge();
            }
            return bytes;
        } catch (IOException e) {
            throw new HttpError(400, "invalid_request", "body", "body: could not be read");
        }
    }

    private HttpError tooLarge() {
        return new HttpError(413, "too_large", "body", "body: must be at most " + maxBytes + " bytes");
    }

    /**
     * @param body the raw body
     * @return the install request
     * @throws HttpError 400 naming the field
     * @throws io.pveq.core.InvalidSpecException naming the field whose value breaks a rule
     */
    public InstallSpec install(byte[] body) {
        ObjectNode o = object(body, INSTALL_FIELDS);
        String os = string(o, "os").orElseThrow(() -> HttpError.badField("os", "is required (debian, ubuntu or rockylinux)"));
        String version = string(o, "version").orElseThrow(() -> HttpError.badField("version", "is required, e.g. 12 or 24.04"));
        try {
            InstallSpec.Builder b = InstallSpec.builder(OsRelease.of(os, version)).name(string(o, "name").orElse(null));
            OptionalInt id = integer(o, "id", true);
            if (id.isPresent()) {
                b.id(VmId.of(id.getAsInt()));
            }
            string(o, "node").ifPresent(n -> b.node(NodeName.of(n)));
            integer(o, "cpu", true).ifPresent(b::cpu);
            integer(o, "ram", true).ifPresent(b::ramMb);
            string(o, "disk").ifPresent(d -> b.disk(DiskSize.parse("disk", d)));
            b.user(string(o, "user").orElse(null));
            b.password(string(o, "passwd").map(Secret::of).orElse(null));
            b.publicKey(string(o, "pubkey").map(k -> SshPublicKey.parse("pubkey", k)).orElse(null));
            return b.build();
        } catch (io.pveq.core.InvalidSpecException e) {
            // core names its own fields; the request's are those of SPEC.md
            String field = switch (e.field()) {
                case "password" -> "passwd";
                case "publicKey" -> "pubkey";
                case "ramMb" -> "ram";
                default -> e.field();
            };
            throw field.equals(e.field()) ? e : new io.pveq.core.InvalidSpecException(field, e.rule());
        }
    }

    /**
     * @param body  the raw body, e.g. {@code {"cpu": 4}}
     * @param field the one field, e.g. {@code cpu}
     * @return its integer value
     * @throws HttpError 400 naming the field
     */
    public int requiredInt(byte[] body, String field) {
        ObjectNode o = object(body, Set.of(field));
        return integer(o, field, false).orElseThrow(() -> HttpError.badField(field, "is required"));
    }

    /**
     * @param body  the raw body, e.g. {@code {"disk": "10G"}}
     * @param field the one field
     * @return its text
     * @throws HttpError 400 naming the field
     */
    public String requiredText(byte[] body, String field) {
        return requiredString(object(body, Set.of(field)), field);
    }

    /**
     * @param body the raw body {@code {"node": "pve2"}}
     * @return the node
     */
    public NodeName node(byte[] body) {
        return NodeName.of(requiredText(body, "node"));
    }

    /**
     * A body of named optional and required fields, each checked for its type when read.
     *
     * @param body        the raw body; empty counts as {@code {}} when {@code emptyIsNone}
     * @param allowed     the fields it may have
     * @param emptyIsNone whether no body at all is fine
     * @return its fields
     * @throws HttpError 400 naming an unknown field or a malformed body
     */
    public Fields fields(byte[] body, Set<String> allowed, boolean emptyIsNone) {
        return new Fields(emptyIsNone && body.length == 0 ? mapper.createObjectNode() : object(body, allowed));
    }

    /** The fields of a body read by {@link #fields}. */
    public static final class Fields {
        private final ObjectNode o;

        private Fields(ObjectNode o) {
            this.o = o;
        }

        /** @return the text of {@code field}; 400 when absent or not a string */
        public String requiredText(String field) {
            return requiredString(o, field);
        }

        /** @return the text of {@code field}, empty when absent, null or {@code ""}; 400 when not a string */
        public Optional<String> optionalText(String field) {
            return string(o, field);
        }

        /** @return the boolean {@code field}, empty when absent or null; 400 when not a boolean */
        public Optional<Boolean> optionalBoolean(String field) {
            JsonNode n = o.get(field);
            if (n == null || n.isNull()) {
                return Optional.empty();
            }
            if (!n.isBoolean()) {
                throw HttpError.badField(field, "must be true or false");
            }
            return Optional.of(n.booleanValue());
        }
    }

    private ObjectNode object(byte[] body, Set<String> allowed) {
        JsonNode root;
        try {
            root = body.length == 0 ? null : mapper.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw HttpError.badField("body", "must be one well-formed JSON object (malformed JSON" + where + ")");
        } catch (IOException e) {
            throw HttpError.badField("body", "could not be read");
        }
        if (root == null || !root.isObject()) {
            throw HttpError.badField("body", "must be a JSON object");
        }
        ObjectNode o = (ObjectNode) root;
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw HttpError.badField(InvalidText.clean(name), "is not a known field (expected one of "
                        + allowed.stream().sorted().toList() + ")");
            }
        }
        return o;
    }

    private static String requiredString(ObjectNode o, String field) {
        return string(o, field).orElseThrow(() -> HttpError.badField(field, "is required"));
    }

    private static Optional<String> string(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw HttpError.badField(field, "must be a string");
        }
        return n.textValue().isEmpty() ? Optional.empty() : Optional.of(n.textValue());
    }

    private static OptionalInt integer(ObjectNode o, String field, boolean zeroIsAbsent) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return OptionalInt.empty();
        }
        if (!n.isNumber()) {
            throw HttpError.badField(field, "must be a number");
        }
        if (!n.isIntegralNumber()) {
            throw HttpError.badField(field, "must be a whole number");
        }
        if (!n.canConvertToInt()) {
            throw HttpError.badField(field, "is out of range");
        }
        int value = n.intValue();
        return zeroIsAbsent && value == 0 ? OptionalInt.empty() : OptionalInt.of(value);
    }

    /** Keeps caller-supplied text in messages short and printable. */
    static final class InvalidText {
        private InvalidText() {
        }

        static String clean(String text) {
            return io.pveq.core.InvalidSpecException.shorten(text == null ? "" : text.replaceAll("\\s+", " "));
        }
    }
}
