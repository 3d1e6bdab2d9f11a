package org.tritonosgi.api;

/** A cumulative count and the total nanoseconds spent, Triton's {@code $duration}. */
public record StatDuration(long count, long ns) {

    public static final StatDuration ZERO = new StatDuration(0, 0);
}
