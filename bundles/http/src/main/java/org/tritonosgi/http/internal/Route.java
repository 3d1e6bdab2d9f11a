package org.tritonosgi.http.internal;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * A request path matched to one KServe v2 endpoint, with the model and version it names.
 *
 * @param version the version in the path, or 0 when the path names none
 */
record Route(Endpoint endpoint, String model, long version) {

    /** The endpoints this frontend serves, with the method each answers. */
    enum Endpoint {
        SERVER_LIVE(HttpMethod.GET),
        SERVER_READY(HttpMethod.GET),
        SERVER_METADATA(HttpMethod.GET),
        MODEL_METADATA(HttpMethod.GET),
        MODEL_READY(HttpMethod.GET),
        MODEL_INFER(HttpMethod.POST);

        final HttpMethod method;

        Endpoint(HttpMethod method) {
            this.method = method;
        }
    }

    private static final String MODELS = "/v2/models/";

    /** The route for a raw request path (query string removed), or null when no endpoint matches. */
    static Route match(String path) {
        switch (path) {
            case "/v2":
                return new Route(Endpoint.SERVER_METADATA, null, 0);
            case "/v2/health/live":
                return new Route(Endpoint.SERVER_LIVE, null, 0);
            case "/v2/health/ready":
                return new Route(Endpoint.SERVER_READY, null, 0);
            default:
                break;
        }
        if (!path.startsWith(MODELS)) {
            return null;
        }
        String[] segments = path.substring(MODELS.length()).split("/", -1);
        if (segments[0].isEmpty()) {
            return null;
        }
        String model = QueryStringDecoder.decodeComponent(segments[0]);
        int next = 1;
        long version = 0;
        if (segments.length > next + 1 && "versions".equals(segments[next])) {
            String digits = segments[next + 1];
            if (!digits.matches("[0-9]{1,18}")) {
                return null;
            }
            version = Long.parseLong(digits);
            next += 2;
        }
        if (segments.length == next) {
            return new Route(Endpoint.MODEL_METADATA, model, version);
        }
        if (segments.length == next + 1) {
            switch (segments[next]) {
                case "ready":
                    return new Route(Endpoint.MODEL_READY, model, version);
                case "infer":
                    return new Route(Endpoint.MODEL_INFER, model, version);
                default:
                    return null;
            }
        }
        return null;
    }
}
