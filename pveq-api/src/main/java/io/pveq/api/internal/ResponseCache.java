package io.pveq.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.api.CacheKind;
import io.pveq.api.CachePolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The optional read cache: answers of reads by URL, each kept for its kind's time to live. Emptied by
 * every write through the client. Thread-safe. The JSON kept is never handed out for mutation: readers
 * only read it.
 */
final class ResponseCache {

    private record Entry(JsonNode data, Instant expires) {
    }

    private final CachePolicy policy;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    ResponseCache(CachePolicy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    boolean caches(Optional<CacheKind> kind) {
        return kind.isPresent() && policy.ttl(kind.get()).isPresent();
    }

    Optional<JsonNode> get(String key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(entry.expires())) {
            entries.remove(key, entry);
            return Optional.empty();
        }
        return Optional.of(entry.data());
    }

    void put(CacheKind kind, String key, JsonNode data) {
        Optional<Duration> ttl = policy.ttl(kind);
        ttl.ifPresent(t -> entries.put(key, new Entry(data, clock.instant().plus(t))));
    }

    void clear() {
        entries.clear();
    }
}
