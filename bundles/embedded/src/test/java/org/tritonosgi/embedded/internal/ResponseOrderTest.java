package org.tritonosgi.embedded.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.ResponseListener;
import org.tritonosgi.api.TritonException;

/** preserve_ordering's gate on its own: what later requests answer waits for every earlier request to end. */
class ResponseOrderTest {

    private final List<String> delivered = new CopyOnWriteArrayList<>();

    private ResponseListener recording(String request) {
        return new ResponseListener() {
            @Override
            public void onResponse(InferenceResponse response) {
                delivered.add(request + " response " + response.id());
            }

            @Override
            public void onComplete() {
                delivered.add(request + " complete");
            }

            @Override
            public void onError(TritonException error) {
                delivered.add(request + " error " + error.getMessage());
            }
        };
    }

    private static InferenceResponse response(String id) {
        return new InferenceResponse(id, "m", 1, List.of(), Map.of(), false, null);
    }

    @Test
    void laterRequestsWaitForEveryEarlierOneToEndThenFollowInArrivalOrder() {
        ResponseOrder order = new ResponseOrder();
        ResponseListener a = order.slot(recording("a"));
        ResponseListener b = order.slot(recording("b"));
        ResponseListener c = order.slot(recording("c"));

        c.onResponse(response("c1"));
        c.onComplete();
        b.onResponse(response("b1"));
        assertEquals(List.of(), delivered, "nothing passes a request still running ahead of it");

        a.onResponse(response("a1"));
        assertEquals(List.of("a response a1"), delivered, "the first request answers at once");
        a.onResponse(response("a2"));
        b.onResponse(response("b2"));
        assertEquals(List.of("a response a1", "a response a2"), delivered);

        a.onError(new TritonException(TritonException.Code.INTERNAL, "boom"));
        assertEquals(List.of("a response a1", "a response a2", "a error boom", "b response b1", "b response b2"),
                delivered, "once a ends, b's waiting responses follow; c still waits for b's end");
        assertEquals(2, order.waiting());

        b.onComplete();
        assertEquals(List.of("a response a1", "a response a2", "a error boom", "b response b1", "b response b2",
                "b complete", "c response c1", "c complete"), delivered);
        assertEquals(0, order.waiting());
    }

    @Test
    void aListenerThatSendsTheNextRequestFromItsCallbackIsServedInTurnWithoutRecursion() {
        ResponseOrder order = new ResponseOrder();
        ResponseListener[] next = new ResponseListener[1];
        ResponseListener first = order.slot(new ResponseListener() {
            @Override
            public void onResponse(InferenceResponse response) {
                delivered.add("first response");
                // the next request arrives and fails at once, from inside this callback
                next[0] = order.slot(recording("second"));
                next[0].onError(new TritonException(TritonException.Code.INVALID_ARG, "bad"));
                delivered.add("first response returns");
            }

            @Override
            public void onComplete() {
                delivered.add("first complete");
            }

            @Override
            public void onError(TritonException error) {
                delivered.add("first error");
            }
        });
        first.onResponse(response("r"));
        first.onComplete();
        assertEquals(List.of("first response", "first response returns", "first complete", "second error bad"),
                delivered);
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheRequestsBehindIt() {
        ResponseOrder order = new ResponseOrder();
        ResponseListener a = order.slot(new ResponseListener() {
            @Override
            public void onResponse(InferenceResponse response) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void onComplete() {
                delivered.add("a complete");
            }

            @Override
            public void onError(TritonException error) {
            }
        });
        ResponseListener b = order.slot(recording("b"));
        b.onComplete();
        a.onResponse(response("a1"));
        a.onComplete();
        assertEquals(List.of("a complete", "b complete"), delivered);
    }
}
