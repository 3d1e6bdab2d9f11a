package org.tritonosgi.shell.internal;

/** IEEE 754 half precision and bfloat16 conversions (Float.floatToFloat16 needs Java 20). */
final class Half {

    private Half() {
    }

    /** The nearest half (ties to even); overflow gives infinity. */
    static short fromFloat(float value) {
        int bits = Float.floatToIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xff;
        int mantissa = bits & 0x7fffff;
        if (exponent == 0xff) {
            return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 : 0));
        }
        int halfExponent = exponent - 127 + 15;
        if (halfExponent >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (halfExponent <= 0) {
            if (halfExponent < -10) {
                return (short) sign;
            }
            // subnormal half: shift the mantissa, implicit bit included, into the 10 low bits
            int shift = 14 - halfExponent;
            int full = mantissa | 0x800000;
            return (short) (sign | round(full >> shift, full & ((1 << shift) - 1), 1 << (shift - 1)));
        }
        // a carry out of the mantissa correctly moves into the exponent (up to infinity)
        return (short) (sign | round((halfExponent << 10) | (mantissa >> 13), mantissa & 0x1fff, 0x1000));
    }

    private static int round(int truncated, int remainder, int halfway) {
        return remainder > halfway || (remainder == halfway && (truncated & 1) != 0) ? truncated + 1 : truncated;
    }

    static float toFloat(short half) {
        int sign = (half & 0x8000) << 16;
        int exponent = (half >>> 10) & 0x1f;
        int mantissa = half & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float value = mantissa * 0x1p-24f;
            return sign != 0 ? -value : value;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /** The nearest bfloat16 (ties to even): the upper half of the float's bits. */
    static short bf16FromFloat(float value) {
        if (Float.isNaN(value)) {
            return (short) 0x7fc0;
        }
        int bits = Float.floatToIntBits(value);
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    static float bf16ToFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xffff) << 16);
    }
}
