package org.tritonosgi.core.internal;

import com.sun.jna.Pointer;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.tritonosgi.api.TritonException;

/**
 * Guards the TRITONSERVER_Server handle so that no call can reach it once it is deleted. Native calls run under
 * the read lock; deletion takes the write lock and clears the handle. New work is refused ("Server exiting") as soon
 * as stopping begins, while work already running (callbacks, response deletion) may finish until the delete.
 */
final class ServerGuard {

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Object drain = new Object();
    private Pointer server;
    private volatile boolean accepting = true;
    private int inflight;

    ServerGuard(Pointer server) {
        this.server = server;
    }

    /** Runs new work against the live server. */
    <T> T call(Function<Pointer, T> work) {
        lock.readLock().lock();
        try {
            if (!accepting || server == null) {
                throw TritonException.unavailable("Server exiting");
            }
            return work.apply(server);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Runs work that finishes something already started; returns false (not running it) once deleted. */
    boolean finish(Consumer<Pointer> work) {
        lock.readLock().lock();
        try {
            if (server == null) {
                return false;
            }
            work.accept(server);
            return true;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Counts one request in flight; UNAVAILABLE once stopping began. */
    void startRequest() {
        synchronized (drain) {
            if (!accepting) {
                throw TritonException.unavailable("Server exiting");
            }
            inflight++;
        }
    }

    void endRequest() {
        synchronized (drain) {
            if (--inflight == 0) {
                drain.notifyAll();
            }
        }
    }

    /** Refuses new work from now on and waits up to the timeout for requests in flight; true if none is left. */
    boolean stopAccepting(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (drain) {
            accepting = false;
            while (inflight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    drain.wait(left / 1_000_000, (int) (left % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    int inflight() {
        synchronized (drain) {
            return inflight;
        }
    }

    /** Runs the deletion with no other native call in progress, then clears the handle for good. */
    void delete(Consumer<Pointer> deletion) {
        lock.writeLock().lock();
        try {
            if (server != null) {
                deletion.accept(server);
                server = null;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
