package io.pveq.core.event;

/** The SSE {@code status} field of a progress event. */
public enum EventStatus {
    /** Work in progress: a stage began or reports detail. */
    PROCESSING("processing"),
    /** A stage or the whole operation succeeded. */
    SUCCESS("success"),
    /** A stage or the whole operation failed. */
    ERROR("error");

    private final String label;

    EventStatus(String label) {
        this.label = label;
    }

    /** @return the exact wire text: {@code processing}, {@code success} or {@code error} */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
