package org.tritonosgi.api.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class FactoryPidsTest {

    @Test
    void theSingletonPidIsReplacedAndTheKindAndCauseKept() {
        IllegalArgumentException invalid = new IllegalArgumentException(
                "PID org.tritonosgi.http: invalid value '-1' for property 'port': expected a TCP port");
        RuntimeException renamed = FactoryPids.renamed(invalid, "org.tritonosgi.http", "org.tritonosgi.http.instance~a");
        assertInstanceOf(IllegalArgumentException.class, renamed);
        assertEquals("PID org.tritonosgi.http.instance~a: invalid value '-1' for property 'port': expected a TCP port",
                renamed.getMessage());
        assertSame(invalid, renamed.getCause());

        RuntimeException busy = FactoryPids.renamed(new IllegalStateException("PID org.tritonosgi.grpc: cannot listen"),
                "org.tritonosgi.grpc", "org.tritonosgi.grpc.instance~b");
        assertInstanceOf(IllegalStateException.class, busy);
        assertEquals("PID org.tritonosgi.grpc.instance~b: cannot listen", busy.getMessage());
    }

    @Test
    void messagesNamingAnotherPidOrNoneAreLeftAlone() {
        IllegalStateException other = new IllegalStateException("PID org.tritonosgi.httpx: something");
        assertSame(other, FactoryPids.renamed(other, "org.tritonosgi.http", "x"));
        IllegalArgumentException none = new IllegalArgumentException();
        assertSame(none, FactoryPids.renamed(none, "org.tritonosgi.http", "x"));
    }
}
