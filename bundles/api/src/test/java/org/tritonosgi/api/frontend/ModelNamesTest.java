package org.tritonosgi.api.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tritonosgi.api.TritonException;

class ModelNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"identity", "identity_fp32", "my model", "a;b", "$(reboot)", "%2e%2e", "..a", "a.b",
        "模型"})
    void namesAFolderCanCarryAreAccepted(String name) {
        ModelNames.check(name);
    }

    @Test
    void namesNoFolderCanCarryAreRefusedWithTheReason() {
        assertEquals("invalid model name '..': '.' and '..' name no model", message(".."));
        assertEquals("invalid model name '.': '.' and '..' name no model", message("."));
        assertEquals("invalid model name '': a model name is required", message(""));
        assertEquals("invalid model name '../etc': it contains '/'; a model name is one folder name",
                message("../etc"));
        assertEquals("invalid model name '/etc/passwd': it contains '/'; a model name is one folder name",
                message("/etc/passwd"));
        assertEquals("invalid model name 'a\\b': it contains '\\'; a model name is one folder name",
                message("a\\b"));
        assertEquals("invalid model name 'a\\u0000b': it contains the control character U+0000",
                message("a\u0000b"));
        assertEquals("invalid model name 'x\\u000Ay': it contains the control character U+000A", message("x\ny"));
        String longName = "m".repeat(256);
        assertEquals("invalid model name '" + "m".repeat(80) + "...': longer than 255 characters",
                message(longName));
        ModelNames.check("m".repeat(255));
    }

    private static String message(String name) {
        TritonException error = assertThrows(TritonException.class, () -> ModelNames.check(name));
        assertEquals(TritonException.Code.INVALID_ARG, error.code());
        return error.getMessage();
    }
}
