package org.tritonosgi.grpc.internal;

import java.util.List;
import java.util.Map;
import org.tritonosgi.api.LogSettings;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.grpc.internal.proto.LogSettingsRequest;
import org.tritonosgi.grpc.internal.proto.LogSettingsResponse;
import org.tritonosgi.grpc.internal.proto.TraceSettingRequest;
import org.tritonosgi.grpc.internal.proto.TraceSettingResponse;

/** Converts log and trace settings between their gRPC messages and the API. */
final class SettingsMessages {

    private SettingsMessages() {
    }

    /** The current settings with the request's changes applied; unknown keys and wrong kinds are INVALID_ARG. */
    static LogSettings apply(LogSettings current, LogSettingsRequest request) {
        String file = current.logFile();
        boolean info = current.info();
        boolean warning = current.warning();
        boolean error = current.error();
        int verbose = current.verboseLevel();
        String format = current.format();
        for (Map.Entry<String, LogSettingsRequest.SettingValue> entry : request.getSettingsMap().entrySet()) {
            LogSettingsRequest.SettingValue value = entry.getValue();
            String key = entry.getKey();
            switch (key) {
                case "log_file" -> file = string(key, value);
                case "log_info" -> info = bool(key, value);
                case "log_warning" -> warning = bool(key, value);
                case "log_error" -> error = bool(key, value);
                case "log_verbose_level" -> {
                    if (value.getParameterChoiceCase() != LogSettingsRequest.SettingValue.ParameterChoiceCase
                            .UINT32_PARAM || value.getUint32Param() < 0) {
                        throw TritonException.invalidArg("expect uint32_param for log setting '" + key + "'");
                    }
                    verbose = value.getUint32Param();
                }
                case "log_format" -> format = string(key, value);
                default -> throw TritonException.invalidArg("log setting '" + key + "' is unknown");
            }
        }
        return new LogSettings(file, info, warning, error, verbose, format);
    }

    static LogSettingsResponse log(LogSettings settings) {
        return LogSettingsResponse.newBuilder()
                .putSettings("log_file", LogSettingsResponse.SettingValue.newBuilder()
                        .setStringParam(settings.logFile()).build())
                .putSettings("log_info", LogSettingsResponse.SettingValue.newBuilder()
                        .setBoolParam(settings.info()).build())
                .putSettings("log_warning", LogSettingsResponse.SettingValue.newBuilder()
                        .setBoolParam(settings.warning()).build())
                .putSettings("log_error", LogSettingsResponse.SettingValue.newBuilder()
                        .setBoolParam(settings.error()).build())
                .putSettings("log_verbose_level", LogSettingsResponse.SettingValue.newBuilder()
                        .setUint32Param(settings.verboseLevel()).build())
                .putSettings("log_format", LogSettingsResponse.SettingValue.newBuilder()
                        .setStringParam(settings.format()).build())
                .build();
    }

    static Map<String, List<String>> trace(TraceSettingRequest request) {
        Map<String, List<String>> settings = new java.util.LinkedHashMap<>();
        request.getSettingsMap().forEach((key, value) -> settings.put(key, List.copyOf(value.getValueList())));
        return settings;
    }

    static TraceSettingResponse trace(Map<String, List<String>> settings) {
        TraceSettingResponse.Builder message = TraceSettingResponse.newBuilder();
        settings.forEach((key, values) -> message.putSettings(key,
                TraceSettingResponse.SettingValue.newBuilder().addAllValue(values).build()));
        return message.build();
    }

    private static boolean bool(String key, LogSettingsRequest.SettingValue value) {
        if (value.getParameterChoiceCase() != LogSettingsRequest.SettingValue.ParameterChoiceCase.BOOL_PARAM) {
            throw TritonException.invalidArg("expect bool_param for log setting '" + key + "'");
        }
        return value.getBoolParam();
    }

    private static String string(String key, LogSettingsRequest.SettingValue value) {
        if (value.getParameterChoiceCase() != LogSettingsRequest.SettingValue.ParameterChoiceCase.STRING_PARAM) {
            throw TritonException.invalidArg("expect string_param for log setting '" + key + "'");
        }
        return value.getStringParam();
    }
}
