package org.tritonosgi.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tritonosgi.api.ModelStatistics;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;

/** Reading Triton's JSON messages (the model configuration reader itself is tested in the api bundle). */
class JsonMappingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ModelConfig config(String json) throws Exception {
        return JsonMapping.modelConfig(JSON.readTree(json));
    }

    @Test
    void malformedValuesAreAnInternalErrorNamingTheModel() {
        TritonException error = assertThrows(TritonException.class,
                () -> config("{\"name\":\"m\",\"max_batch_size\":\"lots\"}"));

        assertEquals(TritonException.Code.INTERNAL, error.code());
        assertFalse(error.getMessage().isEmpty());
        assertEquals(true, error.getMessage().startsWith("cannot read the model configuration of 'm': "));
    }

    @Test
    void statisticsToleratesMembersWeDoNotUse() throws Exception {
        List<ModelStatistics> stats = JsonMapping.statistics(JSON.readTree("""
                {"model_stats":[{"name":"m","version":"3","last_inference":12,"inference_count":5,
                 "execution_count":2,"inference_stats":{"success":{"count":5,"ns":900}},
                 "response_stats":{},"memory_usage":[]}]}"""));

        assertEquals(1, stats.size());
        assertEquals(3, stats.get(0).version());
        assertEquals(900, stats.get(0).inference().success().ns());
        assertEquals(0, stats.get(0).inference().queue().count());
        assertEquals(List.of(), stats.get(0).batches());
    }
}
