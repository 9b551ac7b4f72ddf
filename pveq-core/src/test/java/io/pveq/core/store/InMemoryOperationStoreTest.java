package io.pveq.core.store;

/** The in-memory test store keeps the same contract as the real ones. */
class InMemoryOperationStoreTest extends OperationStoreContract {

    @Override
    protected OperationStore newStore() {
        return new InMemoryOperationStore();
    }
}
