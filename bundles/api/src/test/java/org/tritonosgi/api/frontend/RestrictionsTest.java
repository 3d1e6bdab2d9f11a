package org.tritonosgi.api.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Parsing Triton's restricted-group entries, the policy every frontend shares. */
class RestrictionsTest {

    @Test
    void eachListedGroupRequiresItsEntrysHeaderAndOthersStayOpen() {
        Restrictions restrictions = Restrictions.parse("inference, model-repository:infer-key=secret",
                "logging:admin=yes", " ");
        assertEquals(new Restrictions.Header("infer-key", "secret"), restrictions.required(EndpointGroup.INFERENCE));
        assertEquals(new Restrictions.Header("infer-key", "secret"),
                restrictions.required(EndpointGroup.MODEL_REPOSITORY));
        assertEquals(new Restrictions.Header("admin", "yes"), restrictions.required(EndpointGroup.LOGGING));
        assertNull(restrictions.required(EndpointGroup.HEALTH));
        assertNull(restrictions.required(EndpointGroup.METADATA));
    }

    @Test
    void noEntriesRestrictNothing() {
        assertSame(Restrictions.NONE, Restrictions.parse());
        assertSame(Restrictions.NONE, Restrictions.parse((String[]) null));
        assertTrue(Restrictions.NONE.isEmpty());
        for (EndpointGroup group : EndpointGroup.values()) {
            assertNull(Restrictions.NONE.required(group));
        }
    }

    @Test
    void groupsAreFoundByTheirTritonNames() {
        assertEquals(EndpointGroup.SHARED_MEMORY, EndpointGroup.named("shared-memory"));
        assertEquals("model-config", EndpointGroup.MODEL_CONFIG.tritonName());
        assertNull(EndpointGroup.named("SHARED_MEMORY"));
    }

    @Test
    void invalidEntriesAreExplained() {
        assertEquals("'inference:key' must be <group>[,<group>...]:<header>=<value>",
                assertThrows(IllegalArgumentException.class, () -> Restrictions.parse("inference:key")).getMessage());
        assertEquals("'nonsense:k=v' names unknown group 'nonsense'; groups are health, metadata, inference, "
                        + "shared-memory, model-config, model-repository, statistics, trace, logging",
                assertThrows(IllegalArgumentException.class, () -> Restrictions.parse("nonsense:k=v")).getMessage());
        assertEquals("group 'health' is restricted more than once", assertThrows(IllegalArgumentException.class,
                () -> Restrictions.parse("health:a=1", "health,metadata:b=2")).getMessage());
    }
}
