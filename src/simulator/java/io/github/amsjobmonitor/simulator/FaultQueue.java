package io.github.amsjobmonitor.simulator;

import java.util.ArrayDeque;
import java.util.Deque;

/** Injected faults in order, each for a number of requests (or until cleared). */
final class FaultQueue {

    /** As a count: until {@link #clear()}. */
    static final int UNTIL_CLEARED = -1;

    private static final class Entry {
        final ApiFault fault;
        int remaining;

        Entry(ApiFault fault, int remaining) {
            this.fault = fault;
            this.remaining = remaining;
        }
    }

    private final Deque<Entry> entries = new ArrayDeque<>();

    synchronized void add(ApiFault fault, int times) {
        if (times == 0 || times < UNTIL_CLEARED) {
            throw new IllegalArgumentException("times must be positive, or -1 for until cleared: " + times);
        }
        entries.add(new Entry(fault, times));
    }

    /** The fault for the next request, or null. */
    synchronized ApiFault next() {
        Entry head = entries.peek();
        if (head == null) {
            return null;
        }
        if (head.remaining != UNTIL_CLEARED && --head.remaining == 0) {
            entries.poll();
        }
        return head.fault;
    }

    synchronized boolean isEmpty() {
        return entries.isEmpty();
    }

    synchronized void clear() {
        entries.clear();
    }
}
