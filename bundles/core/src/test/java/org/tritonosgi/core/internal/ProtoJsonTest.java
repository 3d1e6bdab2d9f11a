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
import org.tritonosgi.api.config.ModelQueuePolicy;

class ProtoJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ModelConfig config(String json) throws Exception {
        return ProtoJson.modelConfig(JSON.readTree(json));
    }

    @Test
    void readsTritonsJsonWith64BitIntegersAsNumbersOrStringsMapsAndEnums() throws Exception {
        ModelConfig config = config("""
                {"name":"m","maxBatchSize":4,"input":[{"name":"I","data_type":"TYPE_FP32","dims":["-1","3"]}],
                 "dynamic_batching":{"max_queue_delay_microseconds":"18446744073709551615",
                   "priority_queue_policy":{"2":{"timeout_action":1,"max_queue_size":7}}},
                 "parameters":{"k":{"string_value":"v"}}}""");

        assertEquals(4, config.getMaxBatchSize());
        assertEquals(List.of(-1L, 3L), config.getInput(0).getDimsList());
        assertEquals(-1L, config.getDynamicBatching().getMaxQueueDelayMicroseconds(), "uint64 max as unsigned");
        ModelQueuePolicy policy = config.getDynamicBatching().getPriorityQueuePolicyOrThrow(2L);
        assertEquals(7, policy.getMaxQueueSize());
        assertEquals(1, policy.getTimeoutActionValue());
        assertEquals("v", config.getParametersOrThrow("k").getStringValue());
    }

    @Test
    void unknownMembersAndEnumNamesOfANewerTritonAreIgnored() throws Exception {
        ModelConfig config = config("""
                {"name":"m","brand_new":{"x":1},"input":[{"name":"I","data_type":"TYPE_FP8_FUTURE"}],
                 "model_transaction_policy":{"decoupled":true}}""");

        assertEquals("m", config.getName());
        assertEquals(org.tritonosgi.api.config.DataType.TYPE_INVALID, config.getInput(0).getDataType());
        assertEquals(true, config.getModelTransactionPolicy().getDecoupled());
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
