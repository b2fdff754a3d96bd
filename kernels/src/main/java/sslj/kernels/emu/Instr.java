package sslj.kernels.emu;

/**
 * One decoded PTX instruction: its operation, types, modifiers and resolved operands, plus the source
 * line it came from (for error messages). Decoded once by {@link InstructionParser}; immutable after
 * the entry's labels are resolved.
 */
final class Instr {

    /** Operations. Collective ones make a thread wait for its warp or block ({@link #isCollective}). */
    enum Op {
        MOV, ADD, SUB, MUL, MAD, MUL24, MAD24, DIV, REM, ABS, NEG, MIN, MAX,
        AND, OR, XOR, NOT, CNOT, SHL, SHR, POPC, CLZ, BREV,
        CVT, CVTA, SETP, SELP, SLCT, FMA, EX2, LG2, RCP, SQRT, RSQRT, SIN, COS, TANH, COPYSIGN,
        LD, ST, ATOM, RED, BRA, MEMBAR, RET, EXIT, ACTIVEMASK,
        BAR, BAR_WARP, SHFL, VOTE
    }

    /** State spaces a memory instruction can name. GENERIC is an address without a space. */
    enum Space { GLOBAL, SHARED, PARAM, GENERIC }

    /** How a multiply keeps its product: low half, high half, or the full double-width product. */
    enum MulMode { LO, HI, WIDE }

    /** Rounding: to nearest even, toward zero, toward -inf, toward +inf; INT_* round to an integer value. */
    enum Rounding { NONE, RN, RZ, RM, RP, RNI, RZI, RMI, RPI }

    /** setp comparisons; the *_U ones are also true when either operand is NaN. */
    enum Cmp { EQ, NE, LT, LE, GT, GE, LO, LS, HI, HS, EQU, NEU, LTU, LEU, GTU, GEU, NUM, NAN }

    /** setp's optional combining with a third predicate. */
    enum BoolOp { NONE, AND, OR, XOR }

    /** Atomic operations. */
    enum AtomOp { ADD, MIN, MAX, EXCH, CAS, INC, DEC, AND, OR, XOR }

    /** shfl.sync modes. */
    enum ShflMode { UP, DOWN, BFLY, IDX }

    /** vote.sync modes. */
    enum VoteMode { ALL, ANY, UNI, BALLOT }

    final Op op;
    /** 1-based line in the .ptx file. */
    final int line;
    /** The statement as written (whitespace collapsed), for error messages. */
    final String text;

    int guardReg = -1;
    boolean guardNegated;

    /** The instruction type (the destination type of cvt; the source type of mul.wide). */
    PtxType type;
    /** The source type of cvt. */
    PtxType srcType;
    Space space = Space.GENERIC;
    int vector = 1;
    MulMode mulMode = MulMode.LO;
    Rounding rounding = Rounding.NONE;
    Cmp cmp;
    BoolOp boolOp = BoolOp.NONE;
    AtomOp atomOp;
    ShflMode shflMode;
    VoteMode voteMode;
    boolean ftz;
    boolean sat;
    /** cvta: true for cvta.to.space (generic to space), false for cvta.space (space to generic). */
    boolean toSpace;

    /** Destinations (registers; vectors for ld.v2/.v4); the second of setp/shfl is the optional predicate. */
    Operand[] dst = new Operand[0];
    Operand[] src = new Operand[0];
    /** Branch target label (resolved into {@link #target}). */
    String label;
    int target = -1;

    Instr(Op op, int line, String text) {
        this.op = op;
        this.line = line;
        this.text = text;
    }

    /** True for the instructions that every participating thread must reach before any proceeds. */
    boolean isCollective() {
        return op == Op.BAR || op == Op.BAR_WARP || op == Op.SHFL || op == Op.VOTE;
    }

    /** "line 42: ld.global.f32 %a, [%pa];" */
    String where() { return "PTX line " + line + ": " + text; }
}
