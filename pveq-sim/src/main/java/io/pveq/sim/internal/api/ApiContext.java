package io.pveq.sim.internal.api;

import io.pveq.sim.PveRelease;
import io.pveq.sim.internal.Engine;
import java.nio.file.Path;

/**
 * What the API face's handlers share: the simulator's engine (the same operations the CLI runs),
 * access control, the task registry, the schema facts of the release, the node whose
 * {@code pveproxy} this server is, and where uploads are staged.
 *
 * @param engine  the simulator
 * @param access  privilege computation
 * @param tasks   running and recent tasks
 * @param facts   schema facts of the release
 * @param node    the node this server answers for (the others are reached through it)
 * @param release the imitated release
 * @param tempDir where uploads are staged
 * @param agents  commands started in guests through their agents
 * @param rendered large answers already rendered, by state version, time and caller (bounded)
 */
record ApiContext(Engine engine, Access access, Tasks tasks, ApiFacts facts, String node, PveRelease release,
                  Path tempDir, GuestRoutes.Agents agents, Rendered rendered) {

    /** A small cache of rendered answers: cleared whole when it grows past its bound. */
    static final class Rendered {
        private static final int BOUND = 64;
        private final java.util.concurrent.ConcurrentHashMap<String, Answers.RawJson> answers =
                new java.util.concurrent.ConcurrentHashMap<>();

        Answers.RawJson computeIfAbsent(String key, java.util.function.Function<String, Answers.RawJson> render) {
            Answers.RawJson cached = answers.get(key);
            if (cached != null) {
                return cached;
            }
            if (answers.size() >= BOUND) {
                answers.clear();
            }
            Answers.RawJson made = render.apply(key);
            answers.put(key, made);
            return made;
        }
    }
}
