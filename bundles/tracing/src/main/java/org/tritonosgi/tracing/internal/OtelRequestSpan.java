package org.tritonosgi.tracing.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import org.tritonosgi.api.trace.RequestSpan;

/**
 * One traced request as OpenTelemetry spans: a root span {@code InferRequest} (a child of the client's trace when
 * the request carried W3C trace context) with one child per phase: {@code receive}, {@code queue}, {@code compute},
 * {@code send}. Phases the request never reached (a request refused while decoding has no queue or compute) have
 * no span. Calls come from several threads in order; each is cheap and never throws.
 */
final class OtelRequestSpan implements RequestSpan {

    static final AttributeKey<String> PROTOCOL = AttributeKey.stringKey("triton.protocol");
    static final AttributeKey<String> MODEL = AttributeKey.stringKey("triton.model_name");
    static final AttributeKey<Long> VERSION = AttributeKey.longKey("triton.model_version");

    private final Tracer tracer;
    private final Span root;
    private final Context context;
    private Span receive;
    private Span queue;
    private Span compute;
    private Span send;
    private boolean ended;

    OtelRequestSpan(Tracer tracer, Context parent, String protocol, String model, long version) {
        this.tracer = tracer;
        this.root = tracer.spanBuilder("InferRequest").setParent(parent).setSpanKind(SpanKind.SERVER)
                .setAttribute(PROTOCOL, protocol).setAttribute(MODEL, model).setAttribute(VERSION, version)
                .startSpan();
        this.context = parent.with(root);
        this.receive = child("receive");
    }

    private Span child(String name) {
        return tracer.spanBuilder(name).setParent(context).startSpan();
    }

    private static Span end(Span span) {
        if (span != null) {
            span.end();
        }
        return null;
    }

    @Override
    public synchronized void received() {
        receive = end(receive);
    }

    @Override
    public synchronized void queued() {
        if (!ended && queue == null) {
            receive = end(receive);
            queue = child("queue");
        }
    }

    @Override
    public synchronized void computeStarted() {
        if (!ended && compute == null) {
            queue = end(queue);
            compute = child("compute");
        }
    }

    @Override
    public synchronized void computeEnded() {
        compute = end(compute);
    }

    @Override
    public synchronized void responding() {
        if (!ended && send == null) {
            receive = end(receive);
            queue = end(queue);
            compute = end(compute);
            send = child("send");
        }
    }

    @Override
    public synchronized void sent(String error) {
        if (ended) {
            return;
        }
        ended = true;
        receive = end(receive);
        queue = end(queue);
        compute = end(compute);
        send = end(send);
        if (error != null) {
            root.setStatus(StatusCode.ERROR, error);
        }
        root.end();
    }
}
