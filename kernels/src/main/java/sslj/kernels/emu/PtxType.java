package sslj.kernels.emu;

/**
 * The PTX fundamental types the emulator knows, with their width and how their bits are read.
 *
 * <p>Every register holds a {@code long}. An integer of fewer than 64 bits is stored zero-extended
 * ({@link #wrap}); an instruction reads it back through its own type ({@link #value}), which
 * sign-extends for the .s types. A .f32 value is stored as its raw IEEE bits in the low 32 bits,
 * a .f64 value as its raw 64 bits, a predicate as 0 or 1.
 */
enum PtxType {
    B8(8, 'b'), U8(8, 'u'), S8(8, 's'),
    B16(16, 'b'), U16(16, 'u'), S16(16, 's'),
    B32(32, 'b'), U32(32, 'u'), S32(32, 's'),
    B64(64, 'b'), U64(64, 'u'), S64(64, 's'),
    F32(32, 'f'), F64(64, 'f'),
    PRED(1, 'p');

    /** Width in bits (1 for .pred). */
    final int bits;
    /** 'b' bits, 'u' unsigned, 's' signed, 'f' float, 'p' predicate. */
    final char kind;
    private final long mask;

    PtxType(int bits, char kind) {
        this.bits = bits;
        this.kind = kind;
        this.mask = bits == 64 ? -1L : (1L << bits) - 1;
    }

    /** Size in bytes in memory (a predicate cannot be stored). */
    int bytes() { return bits / 8; }

    boolean isFloat() { return kind == 'f'; }
    boolean isSigned() { return kind == 's'; }
    boolean isInteger() { return kind == 'b' || kind == 'u' || kind == 's'; }

    /** Reads raw register bits as an integer of this type, sign- or zero-extended to 64 bits. */
    long value(long raw) {
        return switch (bits) {
            case 8 -> kind == 's' ? (byte) raw : raw & 0xFFL;
            case 16 -> kind == 's' ? (short) raw : raw & 0xFFFFL;
            case 32 -> kind == 's' ? (int) raw : raw & 0xFFFF_FFFFL;
            case 1 -> raw & 1;
            default -> raw;
        };
    }

    /** Truncates a result to this type's width, stored zero-extended. */
    long wrap(long v) { return v & mask; }

    /** The type named by a modifier such as "u32", or null when the text names no type. */
    static PtxType parse(String name) {
        return switch (name) {
            case "b8" -> B8; case "u8" -> U8; case "s8" -> S8;
            case "b16" -> B16; case "u16" -> U16; case "s16" -> S16;
            case "b32" -> B32; case "u32" -> U32; case "s32" -> S32;
            case "b64" -> B64; case "u64" -> U64; case "s64" -> S64;
            case "f32" -> F32; case "f64" -> F64; case "pred" -> PRED;
            default -> null;
        };
    }

    /** The 64-bit type of the same kind, the destination type of mul.wide / mad.wide. */
    PtxType doubled() {
        return switch (this) {
            case U16 -> U32; case S16 -> S32; case B16 -> B32;
            case U32 -> U64; case S32 -> S64; case B32 -> B64;
            default -> throw new IllegalStateException(".wide is not defined for ." + ptxName());
        };
    }

    /** The PTX spelling, e.g. "u32". */
    String ptxName() { return name().toLowerCase(java.util.Locale.ROOT); }
}
