package io.pveq.images.internal;

import io.pveq.core.ImageException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one URL into a {@code .part} file, hashing while streaming, with bounded retries.
 * After an interruption it resumes with {@code Range} + {@code If-Range} (the validator of the
 * first response is kept beside the part file, so a later process can resume too); when the server
 * ignores the range, or the resource changed, it answers 200 and the download restarts cleanly
 * from byte 0. Thread-safe; each call blocks its thread.
 */
public final class Downloader {

    private static final Logger LOG = LoggerFactory.getLogger(Downloader.class);
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final OkHttpClient client;
    private final Duration stallTimeout;
    private final ScheduledExecutorService watchdog;
    private final DownloadSettings settings;
    private final Executor hashExecutor;

    /**
     * @param client       the HTTP client; its read timeout is replaced by {@code stallTimeout}
     * @param stallTimeout longest time without a byte before the request is cancelled (and retried)
     * @param watchdog     checks for stalls a few times per {@code stallTimeout}
     * @param settings     attempts, backoff, buffers
     * @param hashExecutor runs one hashing task per download
     */
    public Downloader(OkHttpClient client, Duration stallTimeout, ScheduledExecutorService watchdog,
                      DownloadSettings settings, Executor hashExecutor) {
        // A socket read timeout costs a poll() per read and okio's AsyncTimeout bookkeeping per
        // 8 KiB segment: about half the CPU of a download. A watchdog that cancels a silent call
        // gives the same protection for a few checks per timeout.
        this.client = Objects.requireNonNull(client, "client").newBuilder().readTimeout(Duration.ZERO).build();
        this.stallTimeout = Objects.requireNonNull(stallTimeout, "stallTimeout");
        this.watchdog = Objects.requireNonNull(watchdog, "watchdog");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.hashExecutor = Objects.requireNonNull(hashExecutor, "hashExecutor");
    }

    /**
     * What a finished download produced.
     *
     * @param size      bytes in the part file
     * @param hexDigest lower-case hex per requested algorithm, over the whole file
     * @param attempts  HTTP requests made
     * @param resumed   true when some bytes came from an earlier, interrupted request
     */
    public record Result(long size, Map<String, String> hexDigest, int attempts, boolean resumed) {
    }

    /**
     * Downloads {@code uri} into {@code part}, continuing a part file left by an earlier attempt
     * when a validator for it exists. On failure the part file stays for a later resume.
     *
     * @param algorithms digests to compute, e.g. {@code SHA-256} and {@code SHA-512}
     * @throws ImageException when the server says the file is not there, or after the last attempt failed
     */
    public Result download(URI uri, Path part, List<String> algorithms, Progress progress) {
        Path validatorFile = part.resolveSibling(part.getFileName() + ".validator");
        String validator = readValidator(validatorFile);
        IOException last = null;
        boolean resumed = false;
        int attempt = 0;
        try (HashingFileWriter writer = new HashingFileWriter(part, algorithms, settings.bufferSize(),
                settings.bufferCount(), hashExecutor)) {
            if (validator != null && writer.fileSize() > 0) {
                writer.absorbExisting();
                LOG.info("resuming {} at byte {}", uri, writer.written());
            } else {
                writer.reset();
            }
            while (attempt < settings.maxAttempts()) {
                attempt++;
                if (attempt > 1) {
                    backoff(attempt);
                }
                try {
                    resumed = fetchOnce(uri, writer, validator, validatorFile, progress);
                    Map<String, String> digests = writer.finish(settings.fsync());
                    return new Result(writer.written(), digests, attempt, resumed);
                } catch (HashingFileWriter.LocalWriteException e) {
                    throw new ImageException("cannot write " + part + ": " + e.getMessage(), e);
                } catch (RangeMismatch mismatch) {
                    LOG.info("{}: {}; restarting from byte 0", uri, mismatch.getMessage());
                    writer.reset();
                    validator = null;
                    last = mismatch;
                } catch (InterruptedIOException e) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new ImageException("download of " + uri + " interrupted", e);
                    }
                    last = e;
                    writer.sync();
                    validator = readValidator(validatorFile);
                    LOG.warn("download of {} attempt {} timed out at byte {}", uri, attempt, writer.written());
                } catch (IOException e) {
                    last = e;
                    writer.sync();
                    validator = readValidator(validatorFile);
                    LOG.warn("download of {} attempt {} failed at byte {}: {}", uri, attempt, writer.written(),
                            e.toString());
                }
            }
        } catch (IOException e) {
            throw new ImageException("cannot write " + part + ": " + e.getMessage(), e);
        }
        throw new ImageException("download of " + uri + " failed after " + attempt + " attempts: "
                + (last == null ? "unknown error" : last.getMessage()), last);
    }

    /** @return true when the body continued earlier bytes (HTTP 206) */
    private boolean fetchOnce(URI uri, HashingFileWriter writer, String validator, Path validatorFile, Progress progress)
            throws IOException {
        long have = writer.written();
        Request.Builder request = new Request.Builder().url(uri.toString()).get();
        boolean ranged = have > 0 && validator != null;
        if (ranged) {
            request.header("Range", "bytes=" + have + "-").header("If-Range", validator);
        }
        Call call = client.newCall(request.build());
        Stall stall = new Stall(call);
        ScheduledFuture<?> check = watchdog.scheduleAtFixedRate(stall, stall.periodNanos, stall.periodNanos,
                TimeUnit.NANOSECONDS);
        try {
            return fetchWith(call, stall, uri, writer, have, ranged, validator, validatorFile, progress);
        } catch (IOException e) {
            if (stall.fired) {
                SocketTimeoutException timeout = new SocketTimeoutException("no data from " + uri + " for "
                        + stallTimeout.toMillis() + " ms");
                timeout.initCause(e);
                throw timeout;
            }
            throw e;
        } finally {
            check.cancel(false);
        }
    }

    private boolean fetchWith(Call call, Stall stall, URI uri, HashingFileWriter writer, long have, boolean ranged,
                              String validator, Path validatorFile, Progress progress) throws IOException {
        try (Response response = call.execute()) {
            int code = response.code();
            if (code == 416) {
                throw new RangeMismatch("server refused range from byte " + have);
            }
            if (!response.isSuccessful()) {
                if (code == 408 || code == 429 || code >= 500) {
                    throw new IOException("HTTP " + code + " from " + uri);
                }
                throw new ImageException("download of " + uri + " failed: HTTP " + code
                        + (code == 404 ? " (not found)" : ""));
            }
            ResponseBody body = Objects.requireNonNull(response.body(), "body");
            long total;
            if (code == 206) {
                Matcher range = CONTENT_RANGE.matcher(Objects.requireNonNullElse(response.header("Content-Range"), ""));
                if (!ranged || !range.matches() || Long.parseLong(range.group(1)) != have) {
                    throw new RangeMismatch("unexpected partial response " + response.header("Content-Range"));
                }
                total = "*".equals(range.group(3)) ? -1 : Long.parseLong(range.group(3));
            } else {
                if (have > 0) {
                    LOG.info("{}: server sent the whole file{}; restarting from byte 0", uri,
                            ranged ? " (Range ignored or file changed)" : "");
                    writer.reset();
                }
                total = body.contentLength();
            }
            String next = validatorOf(response);
            if (next == null) {
                Files.deleteIfExists(validatorFile);
            } else if (!next.equals(validator)) {
                Files.writeString(validatorFile, next, StandardCharsets.UTF_8);
            }
            stream(body.source(), writer, total, progress, stall);
            if (total >= 0 && writer.written() != total) {
                throw new IOException("body ended at byte " + writer.written() + " of " + total);
            }
            return code == 206;
        }
    }

    private static void stream(BufferedSource source, HashingFileWriter writer, long total, Progress progress,
                               Stall stall) throws IOException {
        boolean end = false;
        while (!end) {
            ByteBuffer buffer = writer.buffer();
            try {
                while (buffer.hasRemaining()) {
                    if (source.read(buffer) < 0) {
                        end = true;
                        break;
                    }
                    stall.lastData = System.nanoTime();
                }
            } catch (IOException e) {
                // the bytes that did arrive are good: keep them for the resume
                if (buffer.position() > 0) {
                    writer.write(buffer);
                } else {
                    writer.recycle(buffer);
                }
                throw e;
            } catch (RuntimeException e) {
                writer.recycle(buffer);
                throw e;
            }
            if (buffer.position() > 0) {
                writer.write(buffer);
            } else {
                writer.recycle(buffer);
            }
            stall.lastData = System.nanoTime();
            progress.update(writer.written(), total, end);
        }
    }

    /** A strong ETag, else Last-Modified: what If-Range accepts. */
    private static String validatorOf(Response response) {
        String etag = response.header("ETag");
        if (etag != null && !etag.startsWith("W/") && etag.startsWith("\"")) {
            return etag;
        }
        return response.header("Last-Modified");
    }

    private static String readValidator(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private void backoff(int attempt) {
        long millis = settings.retryBackoff().toMillis() << Math.min(attempt - 2, 10);
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageException("download interrupted during retry backoff", e);
        }
    }

    /** Cancels the call when no data came for the stall timeout. */
    private final class Stall implements Runnable {
        final Call call;
        final long periodNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(20), stallTimeout.toNanos() / 4);
        volatile long lastData = System.nanoTime();
        volatile boolean fired;

        Stall(Call call) {
            this.call = call;
        }

        @Override
        public void run() {
            if (!fired && System.nanoTime() - lastData > stallTimeout.toNanos()) {
                fired = true;
                call.cancel();
            }
        }
    }

    /** The server answered a range request with the wrong range. */
    private static final class RangeMismatch extends IOException {
        RangeMismatch(String message) {
            super(message);
        }
    }
}
