package sslj.kernels.emu;

import sslj.kernels.emu.BlockRunner.ThreadState;
import sslj.kernels.emu.Instr.Op;
import sslj.kernels.emu.Instr.Space;

/**
 * Executes the instructions of one thread until it reaches a collective (bar.sync, shfl.sync,
 * vote.sync, bar.warp.sync) or exits. Every memory access is bounds-checked: global accesses against
 * the live allocations, shared accesses against the block's shared memory, parameter loads against the
 * parameter buffer; a miss or a misaligned address is a {@link GpuException} naming the kernel,
 * block, thread, PTX line and address.
 *
 * <p>Generic addresses (ld/st/atom without a state space) inside
 * [{@link BlockRunner#SHARED_WINDOW}, + shared size) are shared memory, anything else global memory.
 * cvta.shared adds the window base and cvta.to.shared subtracts it; cvta.global and cvta.to.global
 * are the identity (global addresses are the same in both views, as on hardware).
 */
final class Interpreter {
    private final BlockRunner block;
    private final Instr[] code;
    private final DeviceMemory memory;
    private final byte[] shared;
    private final int sharedBytes;
    private final byte[] params;
    private final RaceDetector race;
    private final long maxStepsPerRun;
    /** Instructions executed so far (all threads). */
    long executed;

    Interpreter(BlockRunner block, Instr[] code, DeviceMemory memory, byte[] shared, int sharedBytes, byte[] params,
                RaceDetector race, long maxStepsPerRun) {
        this.block = block;
        this.code = code;
        this.memory = memory;
        this.shared = shared;
        this.sharedBytes = sharedBytes;
        this.params = params;
        this.race = race;
        this.maxStepsPerRun = maxStepsPerRun;
    }

    /** Runs {@code t} from its pc until it waits at a collective or exits. */
    void run(ThreadState t) {
        final Instr[] code = this.code;
        final long[] r = t.regs;
        int pc = t.pc;
        long steps = 0;
        Instr in = null;
        try {
            while (true) {
                in = code[pc];
                if (++steps > maxStepsPerRun) {
                    throw block.fault(t, in, "thread ran " + maxStepsPerRun + " instructions without reaching a barrier or exit"
                            + " (an infinite loop, e.g. spinning on memory another block writes?)");
                }
                if (in.guardReg >= 0 && ((r[in.guardReg] != 0) == in.guardNegated)) {
                    pc++;
                    continue;
                }
                switch (in.op) {
                    case MOV -> r[in.dst[0].reg] = in.type.wrap(value(in.src[0], t));
                    case ADD, SUB, MUL, MUL24, DIV, REM, MIN, MAX, AND, OR, XOR, SHL, SHR, COPYSIGN ->
                            r[in.dst[0].reg] = Alu.binary(in, value(in.src[0], t), value(in.src[1], t));
                    case MAD, MAD24, FMA ->
                            r[in.dst[0].reg] = Alu.ternary(in, value(in.src[0], t), value(in.src[1], t), value(in.src[2], t));
                    case ABS, NEG, NOT, CNOT, POPC, CLZ, BREV, EX2, LG2, RCP, SQRT, RSQRT, SIN, COS, TANH ->
                            r[in.dst[0].reg] = Alu.unary(in, value(in.src[0], t));
                    case CVT -> r[in.dst[0].reg] = Alu.convert(in, value(in.src[0], t));
                    case CVTA -> r[in.dst[0].reg] = in.type.wrap(cvta(in, value(in.src[0], t)));
                    case SETP -> setp(in, t);
                    case SELP -> r[in.dst[0].reg] = value(in.src[2], t) != 0 ? value(in.src[0], t) : value(in.src[1], t);
                    case SLCT -> r[in.dst[0].reg] = selectBySign(in, t);
                    case LD -> load(in, t);
                    case ST -> store(in, t);
                    case ATOM, RED -> atomic(in, t);
                    case BRA -> {
                        pc = in.target;
                        continue;
                    }
                    case MEMBAR -> { }
                    case ACTIVEMASK -> r[in.dst[0].reg] = block.liveLaneMask(t);
                    case EXIT -> {
                        t.status = BlockRunner.EXITED;
                        t.pc = pc;
                        executed += steps;
                        return;
                    }
                    case BAR, BAR_WARP, SHFL, VOTE -> {
                        // Counted when the collective completes (BlockRunner), not here.
                        t.status = BlockRunner.WAITING;
                        t.pc = pc;
                        executed += steps - 1;
                        return;
                    }
                    default -> throw block.fault(t, in, "instruction " + in.op + " is not implemented by the interpreter");
                }
                pc++;
            }
        } catch (DeviceMemory.Fault f) {
            throw block.fault(t, in, f.getMessage());
        } catch (IllegalStateException | ArithmeticException e) {
            throw block.fault(t, in, e.getMessage());
        }
    }

    /** The value of a source operand for thread {@code t}. */
    static long value(Operand o, ThreadState t) {
        return switch (o.kind) {
            case Operand.REG -> o.negated ? t.regs[o.reg] ^ 1 : t.regs[o.reg];
            case Operand.IMM -> o.imm;
            case Operand.SPECIAL -> t.special[o.special.ordinal()];
            default -> throw new IllegalStateException("operand kind " + o.kind + " is not a value");
        };
    }

    private static long cvta(Instr in, long a) {
        if (in.space == Space.GLOBAL) return a;
        return in.toSpace ? a - BlockRunner.SHARED_WINDOW : a + BlockRunner.SHARED_WINDOW;
    }

    private void setp(Instr in, ThreadState t) {
        boolean c = Alu.compare(in.cmp, in.type, in.ftz, value(in.src[0], t), value(in.src[1], t));
        boolean p = c;
        boolean q = !c;
        if (in.boolOp != Instr.BoolOp.NONE) {
            boolean other = value(in.src[2], t) != 0;
            p = combine(in.boolOp, c, other);
            q = combine(in.boolOp, !c, other);
        }
        t.regs[in.dst[0].reg] = p ? 1 : 0;
        if (in.dst.length > 1) t.regs[in.dst[1].reg] = q ? 1 : 0;
    }

    private static boolean combine(Instr.BoolOp op, boolean a, boolean b) {
        return switch (op) {
            case AND -> a && b;
            case OR -> a || b;
            case XOR -> a ^ b;
            default -> a;
        };
    }

    private static long selectBySign(Instr in, ThreadState t) {
        long c = value(in.src[2], t);
        boolean nonNegative = in.srcType == PtxType.F32 ? Alu.f(c) >= 0 : (int) c >= 0;
        return nonNegative ? value(in.src[0], t) : value(in.src[1], t);
    }

    // ---- memory ---------------------------------------------------------------------------------

    private static long address(Operand a, ThreadState t) {
        return (a.reg >= 0 ? t.regs[a.reg] : 0) + a.imm;
    }

    private void load(Instr in, ThreadState t) {
        int size = in.type.bytes();
        long addr = address(in.src[0], t);
        checkAlignment(t, in, addr, size * in.vector, "read");
        Operand d = in.dst[0];
        if (in.vector == 1) {
            t.regs[d.reg] = in.type.value(read(in, t, addr, size));
        } else {
            for (int k = 0; k < in.vector; k++) t.regs[d.elems[k].reg] = in.type.value(read(in, t, addr + (long) k * size, size));
        }
    }

    private void store(Instr in, ThreadState t) {
        int size = in.type.bytes();
        long addr = address(in.src[0], t);
        checkAlignment(t, in, addr, size * in.vector, "write");
        Operand v = in.src[1];
        if (in.vector == 1) {
            write(in, t, addr, size, value(v, t));
        } else {
            for (int k = 0; k < in.vector; k++) write(in, t, addr + (long) k * size, size, t.regs[v.elems[k].reg]);
        }
    }

    private void checkAlignment(ThreadState t, Instr in, long addr, int size, String access) {
        if ((addr & (size - 1)) != 0) {
            throw block.fault(t, in, String.format("misaligned %s of %d bytes at address 0x%x (must be a multiple of %d)",
                    access, size, addr, size));
        }
    }

    private Space resolve(Space space, long addr) {
        if (space != Space.GENERIC) return space;
        return addr >= BlockRunner.SHARED_WINDOW && addr < BlockRunner.SHARED_WINDOW + sharedBytes ? Space.SHARED : Space.GLOBAL;
    }

    private long read(Instr in, ThreadState t, long addr, int size) {
        switch (resolve(in.space, addr)) {
            case SHARED: {
                int off = sharedOffset(in, t, addr, size, "read");
                if (race != null) race.access(t, in, off, size, false, false);
                return DeviceMemory.read(shared, off, size);
            }
            case PARAM:
                if (addr < 0 || addr + size > params.length) {
                    throw block.fault(t, in, "parameter read of " + size + " bytes at offset " + addr
                            + " outside the " + params.length + "-byte parameter list");
                }
                return DeviceMemory.read(params, (int) addr, size);
            default: {
                DeviceMemory.Allocation a = memory.find(addr, size, "invalid global read");
                return DeviceMemory.read(a.data, (int) (addr - a.base), size);
            }
        }
    }

    private void write(Instr in, ThreadState t, long addr, int size, long value) {
        switch (resolve(in.space, addr)) {
            case SHARED: {
                int off = sharedOffset(in, t, addr, size, "write");
                if (race != null) race.access(t, in, off, size, true, false);
                DeviceMemory.write(shared, off, size, value);
                return;
            }
            case PARAM:
                throw block.fault(t, in, "kernel parameters are read-only");
            default: {
                DeviceMemory.Allocation a = memory.find(addr, size, "invalid global write");
                DeviceMemory.write(a.data, (int) (addr - a.base), size, value);
            }
        }
    }

    /** Offset into the block's shared memory, from a shared-space or generic address; faults outside it. */
    private int sharedOffset(Instr in, ThreadState t, long addr, int size, String access) {
        long off = in.space == Space.GENERIC ? addr - BlockRunner.SHARED_WINDOW : addr;
        if (off < 0 || off + size > sharedBytes) {
            throw block.fault(t, in, String.format("invalid shared %s of %d bytes at shared address 0x%x: %s",
                    access, size, off, block.entry.describeShared(off, sharedBytes)));
        }
        return (int) off;
    }

    /** atom / red: read, combine, write back; the old value goes to atom's destination. */
    private void atomic(Instr in, ThreadState t) {
        int size = in.type.bytes();
        long addr = address(in.src[0], t);
        checkAlignment(t, in, addr, size, "atomic");
        long operand = value(in.src[1], t);
        byte[] data;
        int off;
        if (resolve(in.space, addr) == Space.SHARED) {
            data = shared;
            off = sharedOffset(in, t, addr, size, "atomic");
            if (race != null) race.access(t, in, off, size, true, true);
        } else {
            DeviceMemory.Allocation a = memory.find(addr, size, "invalid global atomic");
            data = a.data;
            off = (int) (addr - a.base);
        }
        long old = DeviceMemory.read(data, off, size);
        PtxType ty = in.type;
        long x = ty.value(old);
        long y = ty.value(operand);
        boolean u64 = ty.bits == 64 && !ty.isSigned();
        long result = switch (in.atomOp) {
            case ADD -> ty == PtxType.F32 ? Alu.bits(Alu.f(old) + Alu.f(operand))
                    : ty == PtxType.F64 ? Alu.bits(Alu.d(old) + Alu.d(operand)) : x + y;
            case MIN -> (u64 ? Long.compareUnsigned(x, y) <= 0 : x <= y) ? x : y;
            case MAX -> (u64 ? Long.compareUnsigned(x, y) >= 0 : x >= y) ? x : y;
            case EXCH -> operand;
            case CAS -> ty.wrap(old) == ty.wrap(operand) ? value(in.src[2], t) : old;
            case INC -> Long.compareUnsigned(ty.wrap(old), ty.wrap(operand)) >= 0 ? 0 : x + 1;
            case DEC -> ty.wrap(old) == 0 || Long.compareUnsigned(ty.wrap(old), ty.wrap(operand)) > 0 ? operand : x - 1;
            case AND -> x & y;
            case OR -> x | y;
            case XOR -> x ^ y;
        };
        DeviceMemory.write(data, off, size, result);
        if (in.op == Op.ATOM) t.regs[in.dst[0].reg] = ty.value(old);
    }
}
