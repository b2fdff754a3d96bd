package sslj.kernels.emu;

/**
 * One resolved operand of a decoded instruction. Names are resolved when the module is parsed:
 * a register becomes an index into the thread's register file, a shared-memory or parameter symbol
 * becomes a constant address, a float literal becomes its raw bits. Nothing is looked up by name
 * while a kernel runs.
 */
final class Operand {
    /** Register (index {@link #reg}). */
    static final int REG = 0;
    /** Immediate constant ({@link #imm}), including a symbol's address. */
    static final int IMM = 1;
    /** Special register such as %tid.x ({@link #special}). */
    static final int SPECIAL = 2;
    /** Memory address {@code [reg + imm]}; {@link #reg} is -1 for {@code [symbol+imm]}. */
    static final int ADDR = 3;
    /** Vector {@code {%a, %b, ...}} ({@link #elems}). */
    static final int VEC = 4;

    final int kind;
    final int reg;
    final long imm;
    final Special special;
    final Operand[] elems;
    /** A predicate source written {@code !%p}. */
    final boolean negated;

    private Operand(int kind, int reg, long imm, Special special, Operand[] elems, boolean negated) {
        this.kind = kind;
        this.reg = reg;
        this.imm = imm;
        this.special = special;
        this.elems = elems;
        this.negated = negated;
    }

    static Operand reg(int index, boolean negated) { return new Operand(REG, index, 0, null, null, negated); }
    static Operand imm(long bits) { return new Operand(IMM, -1, bits, null, null, false); }
    static Operand special(Special s) { return new Operand(SPECIAL, -1, 0, s, null, false); }
    static Operand addr(int baseReg, long offset) { return new Operand(ADDR, baseReg, offset, null, null, false); }
    static Operand vec(Operand[] elems) { return new Operand(VEC, -1, 0, null, elems, false); }

    /** The special registers a kernel may read. Values are per thread, refreshed for each block. */
    enum Special {
        TID_X("%tid.x"), TID_Y("%tid.y"), TID_Z("%tid.z"),
        NTID_X("%ntid.x"), NTID_Y("%ntid.y"), NTID_Z("%ntid.z"),
        CTAID_X("%ctaid.x"), CTAID_Y("%ctaid.y"), CTAID_Z("%ctaid.z"),
        NCTAID_X("%nctaid.x"), NCTAID_Y("%nctaid.y"), NCTAID_Z("%nctaid.z"),
        LANEID("%laneid"), WARPID("%warpid"), NWARPID("%nwarpid"),
        LANEMASK_EQ("%lanemask_eq"), LANEMASK_LT("%lanemask_lt"), LANEMASK_LE("%lanemask_le"),
        LANEMASK_GT("%lanemask_gt"), LANEMASK_GE("%lanemask_ge");

        final String ptxName;

        Special(String ptxName) { this.ptxName = ptxName; }

        static Special byName(String name) {
            for (Special s : values()) if (s.ptxName.equals(name)) return s;
            return null;
        }

        /** True when {@code name} (e.g. "%tid") is the stem of a special register: not a legal register name. */
        static boolean isReservedStem(String name) {
            for (Special s : values()) {
                int dot = s.ptxName.indexOf('.');
                String stem = dot < 0 ? s.ptxName : s.ptxName.substring(0, dot);
                if (stem.equals(name)) return true;
            }
            return false;
        }
    }
}
