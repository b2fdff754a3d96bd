package sslj.kernels.emu;

import java.math.BigDecimal;
import java.math.BigInteger;
import sslj.kernels.emu.Instr.Cmp;
import sslj.kernels.emu.Instr.Rounding;

/**
 * The arithmetic of PTX instructions on raw register bits (see {@link PtxType} for the encoding).
 *
 * <p>Accuracy of the approximate instructions: ex2, lg2, rsqrt, sin, cos, tanh (.approx) and
 * div/rcp .approx/.full are computed in double precision and rounded once to float, so they are
 * within 0.5 ulp of the exact result (usually correctly rounded); hardware guarantees only about
 * 2 ulp (ex2, lg2, rsqrt), 2 ulp for div.full and 1 ulp for rcp.approx, and sin/cos have an absolute
 * error of about 2^-20 on hardware. Tests must therefore compare such results with a tolerance, never
 * bit-exactly. .rn arithmetic, fma.rn, sqrt.rn and every cvt are exact IEEE operations, as on hardware.
 * Integer division by zero (undefined in PTX) gives all ones, as current hardware does; rem by zero
 * gives the dividend.
 */
final class Alu {
    private Alu() { }

    static float f(long bits) { return Float.intBitsToFloat((int) bits); }
    static double d(long bits) { return Double.longBitsToDouble(bits); }
    static long bits(float v) { return Float.floatToRawIntBits(v) & 0xFFFF_FFFFL; }
    static long bits(double v) { return Double.doubleToRawLongBits(v); }

    /** Flush-to-zero of a subnormal float (.ftz), keeping the sign. */
    static float ftz(float v) {
        return Math.abs(v) < Float.MIN_NORMAL && v != 0 ? Math.copySign(0f, v) : v;
    }

    private static float in(Instr i, long bits) { return i.ftz ? ftz(f(bits)) : f(bits); }

    /** Result of a float instruction: .sat clamps to [0, 1] (NaN becomes 0), .ftz flushes. */
    private static long out(Instr i, float v) {
        if (i.sat) v = Float.isNaN(v) ? 0f : Math.min(1f, Math.max(0f, v));
        return bits(i.ftz ? ftz(v) : v);
    }

    private static long out(Instr i, double v) {
        if (i.sat) v = Double.isNaN(v) ? 0.0 : Math.min(1.0, Math.max(0.0, v));
        return bits(v);
    }

    // ---- two operands ---------------------------------------------------------------------------

    static long binary(Instr i, long a, long b) {
        PtxType t = i.type;
        if (t == PtxType.F32) return out(i, f32Binary(i, in(i, a), in(i, b)));
        if (t == PtxType.F64) return out(i, f64Binary(i, d(a), d(b)));
        if (t == PtxType.PRED) {
            return switch (i.op) {
                case AND -> a & b; case OR -> a | b; case XOR -> a ^ b;
                default -> throw new IllegalStateException(i.op + " on .pred");
            };
        }
        long x = t.value(a);
        long y = t.value(b);
        boolean u64 = t.bits == 64 && !t.isSigned();
        long r = switch (i.op) {
            case ADD -> i.sat ? clampS32(x + y) : x + y;
            case SUB -> i.sat ? clampS32(x - y) : x - y;
            case MUL -> multiply(i, t, x, y);
            case MUL24 -> multiply24(i, t, a, b);
            case DIV -> y == 0 ? -1L : u64 ? Long.divideUnsigned(x, y) : x / y;
            case REM -> y == 0 ? x : u64 ? Long.remainderUnsigned(x, y) : x % y;
            case MIN -> (u64 ? Long.compareUnsigned(x, y) <= 0 : x <= y) ? x : y;
            case MAX -> (u64 ? Long.compareUnsigned(x, y) >= 0 : x >= y) ? x : y;
            case AND -> x & y; case OR -> x | y; case XOR -> x ^ y;
            // The shift amount is a .u32 operand; amounts past the width shift everything out.
            case SHL -> (b & 0xFFFF_FFFFL) >= t.bits ? 0 : x << b;
            case SHR -> t.isSigned() ? x >> Math.min(b & 0xFFFF_FFFFL, 63) : ((b & 0xFFFF_FFFFL) >= t.bits ? 0 : x >>> b);
            default -> throw new IllegalStateException(i.op + " is not a two-operand integer operation");
        };
        PtxType dt = i.mulMode == Instr.MulMode.WIDE ? t.doubled() : t;
        return dt.wrap(r);
    }

    private static long clampS32(long v) { return Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v)); }

    /** mul.lo / .hi / .wide on sign- or zero-extended operands. */
    private static long multiply(Instr i, PtxType t, long x, long y) {
        switch (i.mulMode) {
            case LO: case WIDE: return x * y;
            default:
                // A 32-bit product fits in 64 bits (as unsigned bits for .u32, hence >>>).
                if (t.bits < 64) return t.isSigned() ? (x * y) >> t.bits : (x * y) >>> t.bits;
                if (t.isSigned()) return Math.multiplyHigh(x, y);
                return Math.multiplyHigh(x, y) + ((x >> 63) & y) + ((y >> 63) & x);
        }
    }

    /** mul24: the 48-bit product of the low 24 bits; .lo keeps bits 0..31, .hi bits 16..47. */
    private static long multiply24(Instr i, PtxType t, long a, long b) {
        long x = t.isSigned() ? (a << 40) >> 40 : a & 0xFF_FFFFL;
        long y = t.isSigned() ? (b << 40) >> 40 : b & 0xFF_FFFFL;
        long p = x * y;
        return i.mulMode == Instr.MulMode.HI ? p >> 16 : p;
    }

    private static float f32Binary(Instr i, float x, float y) {
        return switch (i.op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case MIN -> Float.isNaN(x) ? y : Float.isNaN(y) ? x : Math.min(x, y);
            case MAX -> Float.isNaN(x) ? y : Float.isNaN(y) ? x : Math.max(x, y);
            case COPYSIGN -> Math.copySign(y, x);
            default -> throw new IllegalStateException(i.op + " is not defined for .f32");
        };
    }

    private static double f64Binary(Instr i, double x, double y) {
        return switch (i.op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case MIN -> Double.isNaN(x) ? y : Double.isNaN(y) ? x : Math.min(x, y);
            case MAX -> Double.isNaN(x) ? y : Double.isNaN(y) ? x : Math.max(x, y);
            case COPYSIGN -> Math.copySign(y, x);
            default -> throw new IllegalStateException(i.op + " is not defined for .f64");
        };
    }

    // ---- three operands: mad, mad24, fma --------------------------------------------------------

    static long ternary(Instr i, long a, long b, long c) {
        PtxType t = i.type;
        if (t == PtxType.F32) return out(i, Math.fma(in(i, a), in(i, b), in(i, c)));
        if (t == PtxType.F64) return out(i, Math.fma(d(a), d(b), d(c)));
        long x = t.value(a);
        long y = t.value(b);
        long product = i.op == Instr.Op.MAD24 ? multiply24(i, t, a, b) : multiply(i, t, x, y);
        if (i.mulMode == Instr.MulMode.WIDE) {
            PtxType wide = t.doubled();
            return wide.wrap(product + wide.value(c));
        }
        return t.wrap(product + t.value(c));
    }

    // ---- one operand ----------------------------------------------------------------------------

    static long unary(Instr i, long a) {
        PtxType t = i.type;
        if (t == PtxType.F32) {
            float x = in(i, a);
            float r = switch (i.op) {
                case ABS -> Float.intBitsToFloat(Float.floatToRawIntBits(x) & 0x7FFF_FFFF);
                case NEG -> Float.intBitsToFloat(Float.floatToRawIntBits(x) ^ 0x8000_0000);
                case EX2 -> (float) Math.pow(2.0, x);
                case LG2 -> (float) (Math.log(x) / Math.log(2.0));
                case RCP -> (float) (1.0 / x);
                case SQRT -> (float) Math.sqrt(x);
                case RSQRT -> (float) (1.0 / Math.sqrt(x));
                case SIN -> (float) Math.sin(x);
                case COS -> (float) Math.cos(x);
                case TANH -> (float) Math.tanh(x);
                default -> throw new IllegalStateException(i.op + " is not defined for .f32");
            };
            return out(i, r);
        }
        if (t == PtxType.F64) {
            double x = d(a);
            return bits(switch (i.op) {
                case ABS -> Math.abs(x);
                case NEG -> -x;
                case RCP -> 1.0 / x;
                case SQRT -> Math.sqrt(x);
                case RSQRT -> 1.0 / Math.sqrt(x);
                default -> throw new IllegalStateException(i.op + " is not defined for .f64");
            });
        }
        if (t == PtxType.PRED) {
            if (i.op == Instr.Op.NOT) return a ^ 1;
            throw new IllegalStateException(i.op + " on .pred");
        }
        long x = t.value(a);
        return switch (i.op) {
            case ABS -> t.wrap(Math.abs(x));
            case NEG -> t.wrap(-x);
            case NOT -> t.wrap(~x);
            case CNOT -> x == 0 ? 1 : 0;
            case POPC -> Long.bitCount(t.wrap(x));
            case CLZ -> Long.numberOfLeadingZeros(t.wrap(x)) - (64 - t.bits);
            case BREV -> t.bits == 64 ? Long.reverse(x) : t.wrap(Long.reverse(x) >>> (64 - t.bits));
            default -> throw new IllegalStateException(i.op + " is not a one-operand integer operation");
        };
    }

    // ---- comparisons ----------------------------------------------------------------------------

    static boolean compare(Cmp cmp, PtxType t, boolean ftz, long a, long b) {
        if (t.isFloat()) {
            double x = t == PtxType.F32 ? (ftz ? ftz(f(a)) : f(a)) : d(a);
            double y = t == PtxType.F32 ? (ftz ? ftz(f(b)) : f(b)) : d(b);
            boolean nan = Double.isNaN(x) || Double.isNaN(y);
            return switch (cmp) {
                case EQ -> x == y; case NE -> !nan && x != y;
                case LT -> x < y; case LE -> x <= y; case GT -> x > y; case GE -> x >= y;
                case EQU -> nan || x == y; case NEU -> x != y;
                case LTU -> nan || x < y; case LEU -> nan || x <= y; case GTU -> nan || x > y; case GEU -> nan || x >= y;
                case NUM -> !nan; case NAN -> nan;
                default -> throw new IllegalStateException("setp." + cmp + " on a float");
            };
        }
        long x = t.value(a);
        long y = t.value(b);
        int c = t.bits == 64 && !t.isSigned() ? Long.compareUnsigned(x, y) : Long.compare(x, y);
        int u = Long.compareUnsigned(t.wrap(x), t.wrap(y));
        return switch (cmp) {
            case EQ -> x == y; case NE -> x != y;
            case LT -> c < 0; case LE -> c <= 0; case GT -> c > 0; case GE -> c >= 0;
            case LO -> u < 0; case LS -> u <= 0; case HI -> u > 0; case HS -> u >= 0;
            default -> throw new IllegalStateException("setp." + cmp + " on an integer");
        };
    }

    // ---- cvt ------------------------------------------------------------------------------------

    /** cvt from {@code i.srcType} to {@code i.type} with its rounding, .sat and .ftz. */
    static long convert(Instr i, long a) {
        PtxType to = i.type;
        PtxType from = i.srcType;
        if (!from.isFloat() && !to.isFloat()) {
            long v = from.value(a);
            if (i.sat) v = saturate(v, from, to);
            return to.wrap(v);
        }
        if (from.isFloat() && !to.isFloat()) {
            double x = from == PtxType.F32 ? (i.ftz ? ftz(f(a)) : f(a)) : d(a);
            return to.wrap(floatToInt(roundToInteger(x, i.rounding), to));
        }
        if (!from.isFloat()) {
            BigDecimal exact = from.bits == 64 && !from.isSigned()
                    ? new BigDecimal(new BigInteger(Long.toUnsignedString(a)))
                    : BigDecimal.valueOf(from.value(a));
            return to == PtxType.F32 ? out(i, roundToFloat(exact, i.rounding)) : out(i, roundToDouble(exact, i.rounding));
        }
        double x = from == PtxType.F32 ? (i.ftz ? ftz(f(a)) : f(a)) : d(a);
        switch (i.rounding) {
            case RNI: case RZI: case RMI: case RPI:
                x = roundToInteger(x, i.rounding);
                break;
            default:
                break;
        }
        if (to == PtxType.F64) return out(i, x);
        if (from == PtxType.F32 || Double.isNaN(x) || Double.isInfinite(x)) return out(i, (float) x);
        return out(i, roundToFloat(new BigDecimal(x), i.rounding));
    }

    private static double roundToInteger(double x, Rounding r) {
        return switch (r) {
            case RNI -> Math.rint(x);
            case RZI -> x < 0 ? Math.ceil(x) : Math.floor(x);
            case RMI -> Math.floor(x);
            case RPI -> Math.ceil(x);
            default -> x;
        };
    }

    /** Float-to-integer conversions saturate to the destination's range; NaN converts to 0. */
    private static long floatToInt(double x, PtxType to) {
        if (Double.isNaN(x)) return 0;
        if (to.isSigned()) {
            double lo = -Math.pow(2, to.bits - 1);
            double hi = Math.pow(2, to.bits - 1) - 1;
            return x <= lo ? (long) lo : x >= hi ? (to.bits == 64 ? Long.MAX_VALUE : (long) hi) : (long) x;
        }
        if (x <= 0) return 0;
        if (to.bits == 64) {
            if (x >= 18446744073709551615.0) return -1L;
            return new BigDecimal(x).toBigInteger().longValue();
        }
        double hi = Math.pow(2, to.bits) - 1;
        return x >= hi ? (long) hi : (long) x;
    }

    private static long saturate(long v, PtxType from, PtxType to) {
        long lo;
        long hi;
        if (to.isSigned()) {
            lo = to.bits == 64 ? Long.MIN_VALUE : -(1L << (to.bits - 1));
            hi = to.bits == 64 ? Long.MAX_VALUE : (1L << (to.bits - 1)) - 1;
        } else {
            lo = 0;
            hi = to.bits == 64 ? -1L : (1L << to.bits) - 1;
        }
        if (from.bits == 64 && !from.isSigned()) {
            return to.bits == 64 && !to.isSigned() ? v : Long.compareUnsigned(v, hi) > 0 ? hi : v;
        }
        if (to.bits == 64 && !to.isSigned()) return v < 0 ? 0 : v;
        return Math.max(lo, Math.min(hi, v));
    }

    /** The float nearest {@code exact} in direction {@code r}. */
    static float roundToFloat(BigDecimal exact, Rounding r) {
        float nearest = exact.floatValue();
        if (r == Rounding.RN || Float.isInfinite(nearest)) return nearest;
        int c = new BigDecimal(nearest).compareTo(exact);
        if (c == 0) return nearest;
        boolean tooBig = c > 0;
        return switch (r) {
            case RZ -> (exact.signum() >= 0) == tooBig ? Math.nextAfter(nearest, 0.0) : nearest;
            case RM -> tooBig ? Math.nextDown(nearest) : nearest;
            case RP -> tooBig ? nearest : Math.nextUp(nearest);
            default -> nearest;
        };
    }

    static double roundToDouble(BigDecimal exact, Rounding r) {
        double nearest = exact.doubleValue();
        if (r == Rounding.RN || Double.isInfinite(nearest)) return nearest;
        int c = new BigDecimal(nearest).compareTo(exact);
        if (c == 0) return nearest;
        boolean tooBig = c > 0;
        return switch (r) {
            case RZ -> (exact.signum() >= 0) == tooBig ? Math.nextAfter(nearest, 0.0) : nearest;
            case RM -> tooBig ? Math.nextDown(nearest) : nearest;
            case RP -> tooBig ? nearest : Math.nextUp(nearest);
            default -> nearest;
        };
    }
}
