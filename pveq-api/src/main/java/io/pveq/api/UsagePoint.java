package io.pveq.api;

import java.time.Instant;
import java.util.OptionalDouble;

/**
 * One point of a guest's history ({@code GET .../rrddata}): averages (or maxima) over the point's step.
 * A point where the guest was not running has no values.
 *
 * @param time      the start of the step
 * @param cpu       CPU use as a fraction
 * @param mem       memory in use, bytes
 * @param maxMem    its memory, bytes
 * @param netIn     bytes received per second
 * @param netOut    bytes sent per second
 * @param diskRead  bytes read per second
 * @param diskWrite bytes written per second
 */
public record UsagePoint(Instant time, OptionalDouble cpu, OptionalDouble mem, OptionalDouble maxMem,
                         OptionalDouble netIn, OptionalDouble netOut, OptionalDouble diskRead,
                         OptionalDouble diskWrite) {

    /** RRD time frames ({@code timeframe}) and their step. */
    public enum Timeframe {
        /** The last hour, one point a minute. */
        HOUR,
        /** The last day, one point per 30 minutes. */
        DAY,
        /** The last week, one point per 3 hours. */
        WEEK,
        /** The last month, one point per 12 hours. */
        MONTH,
        /** The last year, one point a week. */
        YEAR
    }
}
