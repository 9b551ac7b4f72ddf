package io.pveq.core.internal.engine;

import io.pveq.core.OsRelease;
import java.util.Optional;

/** Supplies the bundled text of the OS init script {@code sh/<os>_<version>.sh}. Thread-safe. */
@FunctionalInterface
public interface InitScriptSource {

    /** A source with no scripts: the install skips the init step and says so. */
    InitScriptSource NONE = release -> Optional.empty();

    /** @return the script text, self-contained (includes expanded), if there is one for the release */
    Optional<String> script(OsRelease release);

    /** @return a source that asks this one once per release and keeps the answer (scripts do not change) */
    default InitScriptSource cached() {
        java.util.Map<OsRelease, Optional<String>> cache = new java.util.concurrent.ConcurrentHashMap<>();
        return release -> cache.computeIfAbsent(release, this::script);
    }
}
