package io.pveq.server;

import io.pveq.core.InvalidSpecException;
import io.pveq.core.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The HTTP side of the server: where it listens, who may call it, how jobs are admitted. Filled from
 * the environment by {@link EnvConfig}; tests build one with {@link #builder()}. Validation names the
 * environment variable at fault. Immutable.
 *
 * @param bindAddress     the address to listen on ({@code BIND_ADDRESS}, default {@code 0.0.0.0})
 * @param port            the port ({@code PORT}, 0 picks a free one)
 * @param apiToken        bearer token required on everything but {@code /api/health} ({@code API_TOKEN}); empty: none
 * @param allowIps        clients allowed to call mutating endpoints ({@code ALLOW_IPS})
 * @param trustedProxies  peers whose {@code X-Forwarded-For}/{@code Forwarded} headers are believed ({@code TRUSTED_PROXIES})
 * @param corsOrigins     browser origins allowed cross-origin access ({@code CORS_ORIGINS}); empty: none
 * @param maxBodyBytes    largest request body accepted ({@code MAX_BODY_BYTES})
 * @param jobWorkers      long operations run at once ({@code JOB_WORKERS})
 * @param jobQueue        long operations waiting for a worker before new ones are refused with 503 ({@code JOB_QUEUE})
 * @param shutdownMode    what happens to running jobs on shutdown ({@code SHUTDOWN_MODE})
 * @param shutdownTimeout how long shutdown waits for jobs ({@code SHUTDOWN_TIMEOUT}, seconds)
 * @param sseHeartbeat    comment line sent on a silent stream this often ({@code SSE_HEARTBEAT})
 * @param httpMaxThreads  HTTP worker threads; each open SSE stream holds one ({@code HTTP_MAX_THREADS})
 * @param shDir           folder of OS init scripts to serve at {@code /sh/} instead of the ones packaged in
 *                        pveq-core, which the provisioner runs ({@code SH_DIR}); empty: the packaged ones
 * @param listMaxAge      how long a {@code /api/vm/list} body may be reused ({@code LIST_CACHE_MS}); zero: only
 *                        concurrent requests share one cluster read
 */
public record ServerConfig(String bindAddress, int port, Optional<Secret> apiToken, AddressRanges allowIps,
                           AddressRanges trustedProxies, List<String> corsOrigins, int maxBodyBytes, int jobWorkers,
                           int jobQueue, ShutdownMode shutdownMode, Duration shutdownTimeout, Duration sseHeartbeat,
                           int httpMaxThreads, Optional<Path> shDir, Duration listMaxAge) {

    /** Shortest token accepted. */
    public static final int TOKEN_MIN = 16;
    private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?|https?://\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]+");

    /** @throws InvalidSpecException naming the variable at fault */
    public ServerConfig {
        if (AddressRanges.literal(bindAddress).isEmpty()) {
            throw new InvalidSpecException("BIND_ADDRESS", "must be an IP address such as 0.0.0.0 or 127.0.0.1, got '"
                    + InvalidSpecException.shorten(bindAddress) + "'");
        }
        range("PORT", port, 0, 65535);
        Objects.requireNonNull(apiToken, "apiToken");
        apiToken.ifPresent(t -> {
            if (t.length() < TOKEN_MIN || !TOKEN.matcher(t.reveal()).matches()) {
                throw new InvalidSpecException("API_TOKEN", "must be at least " + TOKEN_MIN
                        + " printable characters without spaces (e.g. openssl rand -hex 32)");
            }
        });
        Objects.requireNonNull(allowIps, "allowIps");
        Objects.requireNonNull(trustedProxies, "trustedProxies");
        corsOrigins = List.copyOf(corsOrigins);
        for (String origin : corsOrigins) {
            if (!ORIGIN.matcher(origin).matches()) {
                throw new InvalidSpecException("CORS_ORIGINS", "entries must be origins such as https://ui.example.com"
                        + " (no '*', no path), got '" + InvalidSpecException.shorten(origin) + "'");
            }
        }
        range("MAX_BODY_BYTES", maxBodyBytes, 1024, 16 * 1024 * 1024);
        range("JOB_WORKERS", jobWorkers, 1, 256);
        range("JOB_QUEUE", jobQueue, 0, 10_000);
        Objects.requireNonNull(shutdownMode, "shutdownMode");
        if (shutdownTimeout == null || shutdownTimeout.isNegative() || shutdownTimeout.isZero()) {
            throw new InvalidSpecException("SHUTDOWN_TIMEOUT", "must be a positive number of seconds");
        }
        if (sseHeartbeat == null || sseHeartbeat.toMillis() < 10 || sseHeartbeat.toSeconds() > 300) {
            throw new InvalidSpecException("SSE_HEARTBEAT", "must be between 1 and 300 seconds");
        }
        range("HTTP_MAX_THREADS", httpMaxThreads, 16, 10_000);
        Objects.requireNonNull(shDir, "shDir");
        shDir.ifPresent(d -> {
            if (!java.nio.file.Files.isDirectory(d)) {
                throw new InvalidSpecException("SH_DIR", "must be a folder of init scripts, got '" + d + "'");
            }
        });
        if (listMaxAge == null || listMaxAge.isNegative() || listMaxAge.toMillis() > 60_000) {
            throw new InvalidSpecException("LIST_CACHE_MS", "must be between 0 and 60000 (milliseconds)");
        }
    }

    private static void range(String variable, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidSpecException(variable, "must be between " + min + " and " + max + ", got " + value);
        }
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects settings with the documented defaults. Not thread-safe. */
    public static final class Builder {
        private String bindAddress = "0.0.0.0";
        private int port = 8080;
        private Secret apiToken;
        private AddressRanges allowIps = AddressRanges.EVERYONE;
        private AddressRanges trustedProxies = AddressRanges.NONE;
        private List<String> corsOrigins = List.of();
        private int maxBodyBytes = 64 * 1024;
        private int jobWorkers = 4;
        private int jobQueue = 32;
        private ShutdownMode shutdownMode = ShutdownMode.CANCEL;
        private Duration shutdownTimeout = Duration.ofMinutes(5);
        private Duration sseHeartbeat = Duration.ofSeconds(15);
        private int httpMaxThreads = 1024;
        private Path shDir;
        private Duration listMaxAge = Duration.ofSeconds(1);

        private Builder() {
        }

        /** @param v {@code BIND_ADDRESS} @return this */
        public Builder bindAddress(String v) {
            bindAddress = v;
            return this;
        }

        /** @param v {@code PORT} @return this */
        public Builder port(int v) {
            port = v;
            return this;
        }

        /** @param v {@code API_TOKEN}; null or empty for none @return this */
        public Builder apiToken(String v) {
            apiToken = v == null || v.isEmpty() ? null : Secret.of(v);
            return this;
        }

        /** @param v {@code ALLOW_IPS} @return this */
        public Builder allowIps(AddressRanges v) {
            allowIps = Objects.requireNonNull(v);
            return this;
        }

        /** @param v {@code TRUSTED_PROXIES} @return this */
        public Builder trustedProxies(AddressRanges v) {
            trustedProxies = Objects.requireNonNull(v);
            return this;
        }

        /** @param v {@code CORS_ORIGINS} @return this */
        public Builder corsOrigins(List<String> v) {
            corsOrigins = List.copyOf(v);
            return this;
        }

        /** @param v {@code MAX_BODY_BYTES} @return this */
        public Builder maxBodyBytes(int v) {
            maxBodyBytes = v;
            return this;
        }

        /** @param workers {@code JOB_WORKERS} @param queue {@code JOB_QUEUE} @return this */
        public Builder jobs(int workers, int queue) {
            jobWorkers = workers;
            jobQueue = queue;
            return this;
        }

        /** @param mode {@code SHUTDOWN_MODE} @param timeout {@code SHUTDOWN_TIMEOUT} @return this */
        public Builder shutdown(ShutdownMode mode, Duration timeout) {
            shutdownMode = mode;
            shutdownTimeout = timeout;
            return this;
        }

        /** @param v {@code SSE_HEARTBEAT} @return this */
        public Builder sseHeartbeat(Duration v) {
            sseHeartbeat = v;
            return this;
        }

        /** @param v {@code HTTP_MAX_THREADS} @return this */
        public Builder httpMaxThreads(int v) {
            httpMaxThreads = v;
            return this;
        }

        /** @param v {@code SH_DIR}; null for the packaged scripts @return this */
        public Builder shDir(Path v) {
            shDir = v;
            return this;
        }

        /** @param v {@code LIST_CACHE_MS} @return this */
        public Builder listMaxAge(Duration v) {
            listMaxAge = v;
            return this;
        }

        /** @return the config @throws InvalidSpecException naming the variable at fault */
        public ServerConfig build() {
            return new ServerConfig(bindAddress, port, Optional.ofNullable(apiToken), allowIps, trustedProxies,
                    corsOrigins, maxBodyBytes, jobWorkers, jobQueue, shutdownMode, shutdownTimeout, sseHeartbeat,
                    httpMaxThreads, Optional.ofNullable(shDir), listMaxAge);
        }
    }
}
