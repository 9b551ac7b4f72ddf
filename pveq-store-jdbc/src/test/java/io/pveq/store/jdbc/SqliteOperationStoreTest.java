package io.pveq.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pveq.core.store.OperationStore;
import io.pveq.core.store.OperationStoreContract;
import io.pveq.core.store.StoredEvent;
import io.pveq.core.store.StoredOperation;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store (SQLite in a file) keeps the store contract, survives reopening and is one store's. */
class SqliteOperationStoreTest extends OperationStoreContract {

    @TempDir
    static Path dir;
    private static int n;

    @Override
    protected OperationStore newStore() {
        return JdbcOperationStore.embedded(dir.resolve("store-" + (++n)));
    }

    @Test
    void whatWasWrittenIsThereAfterReopeningAndTheFolderIsLockedMeanwhile(@TempDir Path folder) {
        StoredOperation op = started("a", T0);
        try (JdbcOperationStore first = JdbcOperationStore.embedded(folder)) {
            first.insert(op);
            first.appendEvent(op.id(), new StoredEvent(0, "{\"x\":1}"));
            io.pveq.core.PveqException inUse = org.junit.jupiter.api.Assertions.assertThrows(
                    io.pveq.core.PveqException.class, () -> JdbcOperationStore.embedded(folder));
            org.junit.jupiter.api.Assertions.assertTrue(inUse.getMessage().contains("in use"), inUse.getMessage());
        }
        try (JdbcOperationStore again = JdbcOperationStore.embedded(folder)) {
            assertEquals(1, again.find(op.id()).orElseThrow().eventCount());
            assertEquals("{\"x\":1}", again.events(op.id(), 0).get(0).json());
        }
    }
}
