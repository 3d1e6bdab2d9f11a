package org.tritonosgi.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** FP16 and BF16 conversions against known bit patterns. */
class HalfTest {

    @Test
    void halfBitPatternsMatchIeee754() {
        assertEquals((short) 0x3c00, Half.fromFloat(1f));
        assertEquals((short) 0xc000, Half.fromFloat(-2f));
        assertEquals((short) 0x7bff, Half.fromFloat(65504f));
        assertEquals((short) 0x7c00, Half.fromFloat(65520f), "rounds up to infinity");
        assertEquals((short) 0x0001, Half.fromFloat(0x1p-24f), "smallest subnormal");
        assertEquals((short) 0x0400, Half.fromFloat(0x1p-14f), "smallest normal");
        assertEquals((short) 0x0000, Half.fromFloat(0x1p-26f), "underflows to zero");
        assertEquals((short) 0x3c00, Half.fromFloat(1f + 0x1p-11f), "a tie rounds to even");
        assertEquals((short) 0x3c02, Half.fromFloat(1f + 3 * 0x1p-11f), "a tie rounds to even");
        assertEquals((short) 0x7e00, Half.fromFloat(Float.NaN));
    }

    @Test
    void halfDecodesBack() {
        assertEquals(1f, Half.toFloat((short) 0x3c00));
        assertEquals(65504f, Half.toFloat((short) 0x7bff));
        assertEquals(0x1p-24f, Half.toFloat((short) 0x0001));
        assertEquals(-0x1p-14f, Half.toFloat((short) 0x8400));
        assertEquals(Float.NEGATIVE_INFINITY, Half.toFloat((short) 0xfc00));
        assertEquals(0.099975586f, Half.toFloat(Half.fromFloat(0.1f)));
    }

    @Test
    void bfloat16KeepsTheUpperHalfRounded() {
        assertEquals((short) 0x3fc0, Half.bf16FromFloat(1.5f));
        assertEquals((short) 0x3f80, Half.bf16FromFloat(Float.intBitsToFloat(0x3f808000)), "a tie rounds to even");
        assertEquals((short) 0x3f82, Half.bf16FromFloat(Float.intBitsToFloat(0x3f818000)), "a tie rounds to even");
        assertEquals(1.5f, Half.bf16ToFloat((short) 0x3fc0));
        assertEquals(-2f, Half.bf16ToFloat((short) 0xc000));
    }
}
