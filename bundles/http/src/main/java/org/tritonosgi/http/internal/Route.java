package org.tritonosgi.http.internal;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Set;
import org.tritonosgi.api.frontend.EndpointGroup;

/**
 * A request path matched to one KServe v2 endpoint, with the names it carries.
 *
 * @param model      the model in the path, or null
 * @param version    the version in the path, or 0 when the path names none
 * @param region     the shared-memory region in the path, or null
 * @param repository the repository name of the {@code /v2/repository/{repo}/...} forms, or null
 */
record Route(Endpoint endpoint, String model, long version, String region, String repository) {

    /** The endpoints, with the methods each answers and the restriction group each belongs to. */
    enum Endpoint {
        SERVER_LIVE(EndpointGroup.HEALTH, HttpMethod.GET),
        SERVER_READY(EndpointGroup.HEALTH, HttpMethod.GET),
        MODEL_READY(EndpointGroup.HEALTH, HttpMethod.GET),
        SERVER_METADATA(EndpointGroup.METADATA, HttpMethod.GET),
        MODEL_METADATA(EndpointGroup.METADATA, HttpMethod.GET),
        MODEL_INFER(EndpointGroup.INFERENCE, HttpMethod.POST),
        MODEL_GENERATE(EndpointGroup.INFERENCE, HttpMethod.POST),
        MODEL_GENERATE_STREAM(EndpointGroup.INFERENCE, HttpMethod.POST),
        MODEL_CONFIG(EndpointGroup.MODEL_CONFIG, HttpMethod.GET),
        ALL_STATS(EndpointGroup.STATISTICS, HttpMethod.GET),
        MODEL_STATS(EndpointGroup.STATISTICS, HttpMethod.GET),
        REPOSITORY_INDEX(EndpointGroup.MODEL_REPOSITORY, HttpMethod.POST),
        REPOSITORY_LOAD(EndpointGroup.MODEL_REPOSITORY, HttpMethod.POST),
        REPOSITORY_UNLOAD(EndpointGroup.MODEL_REPOSITORY, HttpMethod.POST),
        SYSTEM_SHM_STATUS(EndpointGroup.SHARED_MEMORY, HttpMethod.GET),
        SYSTEM_SHM_REGISTER(EndpointGroup.SHARED_MEMORY, HttpMethod.POST),
        SYSTEM_SHM_UNREGISTER(EndpointGroup.SHARED_MEMORY, HttpMethod.POST),
        CUDA_SHM_STATUS(EndpointGroup.SHARED_MEMORY, HttpMethod.GET),
        CUDA_SHM_REGISTER(EndpointGroup.SHARED_MEMORY, HttpMethod.POST),
        CUDA_SHM_UNREGISTER(EndpointGroup.SHARED_MEMORY, HttpMethod.POST),
        TRACE_SETTING(EndpointGroup.TRACE, HttpMethod.GET, HttpMethod.POST),
        MODEL_TRACE_SETTING(EndpointGroup.TRACE, HttpMethod.GET, HttpMethod.POST),
        LOGGING(EndpointGroup.LOGGING, HttpMethod.GET, HttpMethod.POST);

        final EndpointGroup group;
        final Set<HttpMethod> methods;

        Endpoint(EndpointGroup group, HttpMethod... methods) {
            this.group = group;
            this.methods = Set.of(methods);
        }
    }

    private static Route of(Endpoint endpoint) {
        return new Route(endpoint, null, 0, null, null);
    }

    /** The route for a raw request path (query string removed), or null when no endpoint matches. */
    static Route match(String path) {
        switch (path) {
            case "/v2":
                return of(Endpoint.SERVER_METADATA);
            case "/v2/health/live":
                return of(Endpoint.SERVER_LIVE);
            case "/v2/health/ready":
                return of(Endpoint.SERVER_READY);
            case "/v2/models/stats":
                return of(Endpoint.ALL_STATS);
            case "/v2/logging":
                return of(Endpoint.LOGGING);
            case "/v2/trace/setting":
                return of(Endpoint.TRACE_SETTING);
            case "/v2/repository/index":
                return of(Endpoint.REPOSITORY_INDEX);
            default:
                break;
        }
        String[] s = path.split("/", -1);
        if (s.length < 3 || !s[0].isEmpty() || !"v2".equals(s[1])) {
            return null;
        }
        return switch (s[2]) {
            case "models" -> model(s);
            case "repository" -> repository(s);
            case "systemsharedmemory" -> sharedMemory(s, Endpoint.SYSTEM_SHM_STATUS, Endpoint.SYSTEM_SHM_REGISTER,
                    Endpoint.SYSTEM_SHM_UNREGISTER);
            case "cudasharedmemory" -> sharedMemory(s, Endpoint.CUDA_SHM_STATUS, Endpoint.CUDA_SHM_REGISTER,
                    Endpoint.CUDA_SHM_UNREGISTER);
            default -> null;
        };
    }

    private static String name(String segment) {
        return segment.isEmpty() ? null : QueryStringDecoder.decodeComponent(segment);
    }

    /** /v2/models/{m}[/versions/{v}][/ready|infer|config|stats|generate|generate_stream], /v2/models/{m}/trace/setting */
    private static Route model(String[] s) {
        if (s.length < 4) {
            return null;
        }
        String model = name(s[3]);
        if (model == null) {
            return null;
        }
        if (s.length == 6 && "trace".equals(s[4]) && "setting".equals(s[5])) {
            return new Route(Endpoint.MODEL_TRACE_SETTING, model, 0, null, null);
        }
        int next = 4;
        long version = 0;
        if (s.length > next + 1 && "versions".equals(s[next])) {
            if (!s[next + 1].matches("[0-9]{1,18}")) {
                return null;
            }
            version = Long.parseLong(s[next + 1]);
            next += 2;
        }
        if (s.length == next) {
            return new Route(Endpoint.MODEL_METADATA, model, version, null, null);
        }
        if (s.length != next + 1) {
            return null;
        }
        Endpoint endpoint = switch (s[next]) {
            case "ready" -> Endpoint.MODEL_READY;
            case "infer" -> Endpoint.MODEL_INFER;
            case "config" -> Endpoint.MODEL_CONFIG;
            case "stats" -> Endpoint.MODEL_STATS;
            case "generate" -> Endpoint.MODEL_GENERATE;
            case "generate_stream" -> Endpoint.MODEL_GENERATE_STREAM;
            default -> null;
        };
        return endpoint == null ? null : new Route(endpoint, model, version, null, null);
    }

    /** /v2/repository[/{repo}]/index, /v2/repository[/{repo}]/models/{m}/load|unload */
    private static Route repository(String[] s) {
        if (s.length == 5 && "index".equals(s[4])) {
            return new Route(Endpoint.REPOSITORY_INDEX, null, 0, null, name(s[3]));
        }
        int at = s.length == 6 ? 3 : s.length == 7 ? 4 : -1;
        if (at < 0 || !"models".equals(s[at]) || name(s[at + 1]) == null) {
            return null;
        }
        String repository = at == 4 ? name(s[3]) : null;
        return switch (s[at + 2]) {
            case "load" -> new Route(Endpoint.REPOSITORY_LOAD, name(s[at + 1]), 0, null, repository);
            case "unload" -> new Route(Endpoint.REPOSITORY_UNLOAD, name(s[at + 1]), 0, null, repository);
            default -> null;
        };
    }

    /** /v2/{kind}sharedmemory[/region/{r}]/status|register|unregister */
    private static Route sharedMemory(String[] s, Endpoint status, Endpoint register, Endpoint unregister) {
        String region = null;
        int at = 3;
        if (s.length == 6 && "region".equals(s[3])) {
            region = name(s[4]);
            at = 5;
        } else if (s.length != 4) {
            return null;
        }
        Endpoint endpoint = switch (s[at]) {
            case "status" -> status;
            case "register" -> register;
            case "unregister" -> unregister;
            default -> null;
        };
        return endpoint == null ? null : new Route(endpoint, null, 0, region, null);
    }
}
