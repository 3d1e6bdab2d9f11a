package org.tritonosgi.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelConfigJsonTest {

    @Test
    void readsTritonsJsonWith64BitIntegersAsNumbersOrStringsMapsAndEnums() {
        ModelConfig config = ModelConfigJson.read("""
                {"name":"m","maxBatchSize":4,"input":[{"name":"I","data_type":"TYPE_FP32","dims":["-1",3]}],
                 "dynamic_batching":{"max_queue_delay_microseconds":"18446744073709551615",
                   "priority_queue_policy":{"2":{"timeout_action":1,"max_queue_size":7}}},
                 "parameters":{"k":{"string_value":"v"}}}""", true).build();

        assertEquals(4, config.getMaxBatchSize());
        assertEquals(List.of(-1L, 3L), config.getInput(0).getDimsList());
        assertEquals(-1L, config.getDynamicBatching().getMaxQueueDelayMicroseconds(), "uint64 max as unsigned");
        ModelQueuePolicy policy = config.getDynamicBatching().getPriorityQueuePolicyOrThrow(2L);
        assertEquals(7, policy.getMaxQueueSize());
        assertEquals(1, policy.getTimeoutActionValue());
        assertEquals("v", config.getParametersOrThrow("k").getStringValue());
    }

    @Test
    void lenientReadingSkipsWhatANewerTritonAddsStrictReadingNamesIt() {
        String newer = """
                {"name":"m","brand_new":{"x":1},"input":[{"name":"I","data_type":"TYPE_FP8_FUTURE"}],
                 "model_transaction_policy":{"decoupled":true}}""";
        ModelConfig config = ModelConfigJson.read(newer, false).build();
        assertEquals("m", config.getName());
        assertEquals(DataType.TYPE_INVALID, config.getInput(0).getDataType());
        assertEquals(true, config.getModelTransactionPolicy().getDecoupled());

        assertEquals("unknown member 'brand_new'",
                assertThrows(IllegalArgumentException.class, () -> ModelConfigJson.read(newer, true)).getMessage());
        assertEquals("'input.data_type' has no value \"TYPE_FP8_FUTURE\" (DataType)",
                assertThrows(IllegalArgumentException.class, () -> ModelConfigJson.read(
                        "{\"input\":[{\"name\":\"I\",\"data_type\":\"TYPE_FP8_FUTURE\"}]}", true)).getMessage());
        assertEquals("'max_batch_size' must be an int, got \"lots\"", assertThrows(IllegalArgumentException.class,
                () -> ModelConfigJson.read("{\"max_batch_size\":\"lots\"}", true)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelConfigJson.read("{", true)).getMessage()
                .startsWith("not JSON"));
    }

    @Test
    void writesDefaultsEnumNamesAndNumbersAndReadsBackTheSame() {
        ModelConfig config = ModelConfig.newBuilder().setName("m").setMaxBatchSize(8)
                .addInput(ModelInput.newBuilder().setName("I").setDataType(DataType.TYPE_STRING).addDims(-1))
                .setDynamicBatching(ModelDynamicBatching.newBuilder().setMaxQueueDelayMicroseconds(-1L))
                .putParameters("k", ModelParameter.newBuilder().setStringValue("v").build()).build();
        String json = ModelConfigJson.write(config);

        assertTrue(json.contains("\"platform\":\"\""), json);
        assertTrue(json.contains("\"dims\":[-1]"), json);
        assertTrue(json.contains("\"data_type\":\"TYPE_STRING\""), json);
        assertTrue(json.contains("\"max_queue_delay_microseconds\":18446744073709551615"), json);
        assertTrue(json.contains("\"parameters\":{\"k\":{\"string_value\":\"v\"}}"), json);
        assertTrue(!json.contains("sequence_batching"), "unset message fields are left out: " + json);
        assertEquals(config, ModelConfigJson.read(json, true).build());
    }
}
