package sslj.kernels.emu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import sslj.kernels.emu.Instr.Op;
import sslj.kernels.emu.Instr.Rounding;
import sslj.kernels.emu.Instr.Space;
import sslj.kernels.runtime.GpuException;

/**
 * Decodes one PTX instruction statement ("@!%p ld.global.v4.f32 {%a,%b,%c,%d}, [%rd+16]") into an
 * {@link Instr}. Every modifier must be understood: an unknown opcode or modifier is a load-time error
 * naming the line, so a kernel never runs with an instruction the emulator would get wrong.
 */
final class InstructionParser {
    /** Modifiers that only describe caching or memory ordering; with one thread running at a time they change nothing. */
    private static final List<String> ORDERING = List.of("weak", "volatile", "relaxed", "acquire", "release", "acq_rel",
            "cta", "gpu", "sys", "ca", "cg", "cs", "lu", "cv", "nc", "wb", "wt");

    private final PtxParser parser;
    private final PtxProgram.Entry entry;
    private final Map<String, Integer> registers;
    private final Map<String, Long> sharedSymbols;

    // The statement being decoded, for error messages.
    private int line;
    private String text;
    private String opcode;
    private List<String> mods;

    InstructionParser(PtxParser parser, PtxProgram.Entry entry, Map<String, Integer> registers, Map<String, Long> sharedSymbols) {
        this.parser = parser;
        this.entry = entry;
        this.registers = registers;
        this.sharedSymbols = sharedSymbols;
    }

    Instr decode(int line, String statement) {
        this.line = line;
        this.text = statement + ";";
        String s = statement;
        int guard = -1;
        boolean guardNegated = false;
        if (s.startsWith("@")) {
            int sp = s.indexOf(' ');
            if (sp < 0) throw error("predicate guard without an instruction");
            String g = s.substring(1, sp);
            guardNegated = g.startsWith("!");
            guard = register(guardNegated ? g.substring(1) : g);
            s = s.substring(sp + 1).trim();
        }
        int sp = s.indexOf(' ');
        opcode = sp < 0 ? s : s.substring(0, sp);
        String[] ops = splitOperands(sp < 0 ? "" : s.substring(sp + 1).trim());
        String[] parts = opcode.split("\\.");
        mods = new ArrayList<>(Arrays.asList(parts).subList(1, parts.length));
        Instr in = decodeOp(parts[0], ops);
        if (!mods.isEmpty()) throw error("unsupported modifier ." + mods.get(0) + " in '" + opcode + "'");
        in.guardReg = guard;
        in.guardNegated = guardNegated;
        return in;
    }

    private Instr decodeOp(String name, String[] ops) {
        switch (name) {
            case "mov": {
                Instr in = make(Op.MOV);
                in.type = type();
                return operands(in, ops, 2, in.type, in.type);
            }
            case "add": case "sub": case "min": case "max": case "and": case "or": case "xor":
            case "div": case "rem": case "copysign": {
                Instr in = make(Op.valueOf(name.toUpperCase()));
                floatModifiers(in);
                in.type = type();
                if (in.op == Op.DIV && in.type.isFloat()) {
                    if (in.rounding == Rounding.NONE) throw error("div." + in.type.ptxName() + " needs .rn, .full or .approx");
                }
                return operands(in, ops, 3, in.type, in.type, in.type);
            }
            case "mul": case "mad": case "mul24": case "mad24": {
                Instr in = make(Op.valueOf(name.toUpperCase()));
                String mode = take("lo", "hi", "wide");
                if (mode != null) in.mulMode = Instr.MulMode.valueOf(mode.toUpperCase());
                floatModifiers(in);
                in.type = type();
                if (in.type.isFloat() && mode != null) throw error("." + mode + " applies to integer multiplies only");
                if (in.op == Op.MAD && in.type.isFloat() && in.rounding == Rounding.NONE) in.rounding = Rounding.RN;
                PtxType wide = in.mulMode == Instr.MulMode.WIDE ? doubled(in.type) : in.type;
                return in.op == Op.MUL || in.op == Op.MUL24
                        ? operands(in, ops, 3, wide, in.type, in.type)
                        : operands(in, ops, 4, wide, in.type, in.type, wide);
            }
            case "fma": {
                Instr in = make(Op.FMA);
                floatModifiers(in);
                in.type = type();
                if (in.rounding != Rounding.RN) throw error("fma needs .rn (other roundings are not supported)");
                return operands(in, ops, 4, in.type, in.type, in.type, in.type);
            }
            case "abs": case "neg": case "not": case "cnot": case "popc": case "clz": case "brev": {
                Instr in = make(Op.valueOf(name.toUpperCase()));
                in.ftz = flag("ftz");
                in.type = type();
                PtxType dstType = in.op == Op.POPC || in.op == Op.CLZ ? PtxType.U32 : in.type;
                return operands(in, ops, 2, dstType, in.type);
            }
            case "shl": case "shr": {
                Instr in = make(Op.valueOf(name.toUpperCase()));
                in.type = type();
                return operands(in, ops, 3, in.type, in.type, PtxType.U32);
            }
            case "ex2": case "lg2": case "rcp": case "sqrt": case "rsqrt": case "sin": case "cos": case "tanh": {
                Instr in = make(Op.valueOf(name.toUpperCase()));
                String r = take("approx", "rn", "full");
                if (r == null) throw error(name + " needs .approx or .rn");
                if (!r.equals("approx") && !(in.op == Op.RCP || in.op == Op.SQRT)) throw error(name + " supports .approx only");
                in.rounding = r.equals("rn") ? Rounding.RN : Rounding.NONE;
                in.ftz = flag("ftz");
                in.type = type();
                if (!in.type.isFloat()) throw error(name + " needs a float type");
                return operands(in, ops, 2, in.type, in.type);
            }
            case "cvt": return decodeCvt(ops);
            case "cvta": {
                Instr in = make(Op.CVTA);
                in.toSpace = flag("to");
                String space = take("global", "shared");
                if (space == null) throw error("cvta supports .global and .shared only");
                in.space = Space.valueOf(space.toUpperCase());
                in.type = type();
                return operands(in, ops, 2, in.type, in.type);
            }
            case "setp": return decodeSetp(ops);
            case "selp": {
                Instr in = make(Op.SELP);
                in.type = type();
                return operands(in, ops, 4, in.type, in.type, in.type, PtxType.PRED);
            }
            case "slct": {
                Instr in = make(Op.SLCT);
                in.ftz = flag("ftz");
                PtxType[] types = types(2);
                in.type = types[0];
                in.srcType = types[1];
                return operands(in, ops, 4, in.type, in.type, in.type, in.srcType);
            }
            case "ld": case "st": return decodeMemory(name.equals("ld") ? Op.LD : Op.ST, ops);
            case "atom": case "red": return decodeAtomic(name.equals("atom") ? Op.ATOM : Op.RED, ops);
            case "bra": {
                Instr in = make(Op.BRA);
                flag("uni");
                if (ops.length != 1 || !ops[0].matches("[A-Za-z_$][\\w$]*")) throw error("bra needs one label operand");
                in.label = ops[0];
                return in;
            }
            case "bar": case "barrier": {
                if (name.equals("bar") && flag("warp")) {
                    Instr in = make(Op.BAR_WARP);
                    if (!flag("sync")) throw error("only bar.warp.sync is supported");
                    return operands(in, ops, 1, PtxType.B32);
                }
                Instr in = make(Op.BAR);
                if (!flag("sync")) throw error("only " + name + ".sync is supported (no .arrive / .red)");
                flag("aligned");
                if (ops.length != 1) throw error(name + ".sync with a thread count is not supported; use " + name + ".sync 0");
                return operands(in, ops, 1, PtxType.U32);
            }
            case "shfl": {
                Instr in = make(Op.SHFL);
                if (!flag("sync")) throw error("shfl needs .sync (sm_70 and later)");
                String mode = take("up", "down", "bfly", "idx");
                if (mode == null) throw error("shfl.sync needs .up, .down, .bfly or .idx");
                in.shflMode = Instr.ShflMode.valueOf(mode.toUpperCase());
                in.type = type();
                if (in.type != PtxType.B32) throw error("shfl.sync supports .b32 only");
                if (ops.length != 5) throw error("shfl.sync needs d[|p], a, b, c, membermask");
                in.dst = predPair(ops[0]);
                in.src = new Operand[] {source(ops[1], in.type), source(ops[2], PtxType.B32),
                        source(ops[3], PtxType.B32), source(ops[4], PtxType.B32)};
                return in;
            }
            case "vote": {
                Instr in = make(Op.VOTE);
                if (!flag("sync")) throw error("vote needs .sync (sm_70 and later)");
                String mode = take("all", "any", "uni", "ballot");
                if (mode == null) throw error("vote.sync needs .all, .any, .uni or .ballot");
                in.voteMode = Instr.VoteMode.valueOf(mode.toUpperCase());
                in.type = type();
                boolean ballot = in.voteMode == Instr.VoteMode.BALLOT;
                if (in.type != (ballot ? PtxType.B32 : PtxType.PRED)) throw error("vote.sync." + mode + " needs ." + (ballot ? "b32" : "pred"));
                return operands(in, ops, 3, in.type, PtxType.PRED, PtxType.B32);
            }
            case "activemask": {
                Instr in = make(Op.ACTIVEMASK);
                in.type = type();
                return operands(in, ops, 1, in.type);
            }
            case "membar": case "fence": {
                Instr in = make(Op.MEMBAR);
                mods.removeAll(List.of("cta", "gl", "gpu", "sys", "sc", "acq_rel"));
                return operands(in, ops, 0);
            }
            case "ret": case "exit": {
                Instr in = make(Op.EXIT);
                flag("uni");
                return operands(in, ops, 0);
            }
            default:
                throw error("unknown instruction '" + opcode + "'");
        }
    }

    private Instr decodeCvt(String[] ops) {
        Instr in = make(Op.CVT);
        String r = take("rn", "rz", "rm", "rp", "rni", "rzi", "rmi", "rpi");
        if (r != null) in.rounding = Rounding.valueOf(r.toUpperCase());
        in.ftz = flag("ftz");
        in.sat = flag("sat");
        PtxType[] types = types(2);
        in.type = types[0];
        in.srcType = types[1];
        if (in.type == PtxType.PRED || in.srcType == PtxType.PRED) throw error("cvt does not convert predicates");
        boolean toFloat = in.type.isFloat();
        boolean fromFloat = in.srcType.isFloat();
        boolean intRounding = r != null && r.endsWith("i");
        if (fromFloat && !toFloat && !intRounding) throw error("cvt from float to integer needs .rni, .rzi, .rmi or .rpi");
        if (!fromFloat && toFloat && (r == null || intRounding)) throw error("cvt from integer to float needs .rn, .rz, .rm or .rp");
        if (fromFloat && toFloat && in.type.bits < in.srcType.bits && (r == null || intRounding)) {
            throw error("cvt.f32.f64 needs .rn, .rz, .rm or .rp");
        }
        if (!fromFloat && !toFloat && r != null) throw error("integer-to-integer cvt takes no rounding modifier");
        return operands(in, ops, 2, in.type, in.srcType);
    }

    private Instr decodeSetp(String[] ops) {
        Instr in = make(Op.SETP);
        String cmp = take("eq", "ne", "lt", "le", "gt", "ge", "lo", "ls", "hi", "hs",
                "equ", "neu", "ltu", "leu", "gtu", "geu", "num", "nan");
        if (cmp == null) throw error("setp needs a comparison");
        in.cmp = Instr.Cmp.valueOf(cmp.toUpperCase());
        String bool = take("and", "or", "xor");
        if (bool != null) in.boolOp = Instr.BoolOp.valueOf(bool.toUpperCase());
        in.ftz = flag("ftz");
        in.type = type();
        boolean unsignedCmp = cmp.equals("lo") || cmp.equals("ls") || cmp.equals("hi") || cmp.equals("hs");
        boolean floatCmp = cmp.length() == 3 && cmp.endsWith("u") || cmp.equals("num") || cmp.equals("nan");
        if (floatCmp && !in.type.isFloat()) throw error("setp." + cmp + " applies to float types only");
        if (unsignedCmp && in.type.isFloat()) throw error("setp." + cmp + " applies to integer types only");
        if (in.type.kind == 'b' && !(cmp.equals("eq") || cmp.equals("ne"))) throw error("setp on ." + in.type.ptxName() + " supports eq and ne only");
        int expected = bool == null ? 3 : 4;
        if (ops.length != expected) throw error("setp" + (bool == null ? "" : "." + bool) + " needs " + expected + " operands");
        in.dst = predPair(ops[0]);
        in.src = bool == null
                ? new Operand[] {source(ops[1], in.type), source(ops[2], in.type)}
                : new Operand[] {source(ops[1], in.type), source(ops[2], in.type), source(ops[3], PtxType.PRED)};
        return in;
    }

    private Instr decodeMemory(Op op, String[] ops) {
        Instr in = make(op);
        in.space = space();
        mods.removeAll(ORDERING);
        String vec = take("v2", "v4");
        if (vec != null) in.vector = vec.equals("v2") ? 2 : 4;
        in.type = type();
        if (in.type == PtxType.PRED) throw error("predicates cannot be loaded or stored");
        if (ops.length != 2) throw error(opcode + " needs two operands");
        String value = op == Op.LD ? ops[0] : ops[1];
        String address = op == Op.LD ? ops[1] : ops[0];
        Operand v;
        if (in.vector > 1) {
            v = vector(value);
            if (v.elems.length != in.vector) throw error("." + vec + " needs " + in.vector + " registers, got " + v.elems.length);
        } else {
            v = op == Op.LD ? destination(value) : source(value, in.type);
        }
        Operand a = address(address, in.space);
        if (op == Op.LD) {
            in.dst = new Operand[] {v};
            in.src = new Operand[] {a};
        } else {
            in.src = new Operand[] {a, v};
        }
        return in;
    }

    private Instr decodeAtomic(Op op, String[] ops) {
        Instr in = make(op);
        mods.removeAll(ORDERING);
        in.space = space();
        if (in.space == Space.PARAM) throw error(opcode + " on .param memory");
        String a = take("add", "min", "max", "exch", "cas", "inc", "dec", "and", "or", "xor");
        if (a == null) throw error(opcode + " needs an operation (.add, .min, .max, .exch, .cas, .inc, .dec, .and, .or, .xor)");
        in.atomOp = Instr.AtomOp.valueOf(a.toUpperCase());
        in.type = type();
        if (in.type.bits < 32) throw error(opcode + " supports 32- and 64-bit types only");
        if (in.type.isFloat() && in.atomOp != Instr.AtomOp.ADD && in.atomOp != Instr.AtomOp.EXCH) {
            throw error(opcode + "." + a + " is not defined for ." + in.type.ptxName());
        }
        int values = in.atomOp == Instr.AtomOp.CAS ? 2 : 1;
        int first = op == Op.ATOM ? 1 : 0;
        if (ops.length != first + 1 + values) throw error(opcode + " needs " + (first + 1 + values) + " operands");
        if (op == Op.ATOM) in.dst = new Operand[] {destination(ops[0])};
        in.src = new Operand[1 + values];
        in.src[0] = address(ops[first], in.space);
        for (int k = 0; k < values; k++) in.src[1 + k] = source(ops[first + 1 + k], in.type);
        return in;
    }

    // ---- modifiers ------------------------------------------------------------------------------

    private Instr make(Op op) { return new Instr(op, line, text); }

    /** Rounding (.rn, .rz, ... .full, .approx), .ftz and .sat of float arithmetic. */
    private void floatModifiers(Instr in) {
        String r = take("rn", "full", "approx", "rz", "rm", "rp");
        if (r != null) {
            if (!r.equals("rn") && !r.equals("full") && !r.equals("approx")) throw error("rounding ." + r + " is not supported on " + opcode);
            in.rounding = Rounding.RN;
        }
        in.ftz = flag("ftz");
        in.sat = flag("sat");
    }

    private Space space() {
        String s = take("global", "shared", "param", "local", "const");
        if (s == null) return Space.GENERIC;
        if (s.equals("local") || s.equals("const")) throw error("the ." + s + " state space is not supported");
        return Space.valueOf(s.toUpperCase());
    }

    private boolean flag(String m) { return mods.remove(m); }

    private String take(String... options) {
        for (String o : options) if (mods.remove(o)) return o;
        return null;
    }

    private PtxType type() { return types(1)[0]; }

    /** Removes and returns the type modifiers, in order; exactly {@code n} are required. */
    private PtxType[] types(int n) {
        List<PtxType> found = new ArrayList<>();
        for (int i = 0; i < mods.size(); ) {
            PtxType t = PtxType.parse(mods.get(i));
            if (t != null) { found.add(t); mods.remove(i); } else i++;
        }
        if (found.size() != n) throw error("'" + opcode + "' needs " + n + " type modifier" + (n > 1 ? "s" : ""));
        return found.toArray(new PtxType[0]);
    }

    private PtxType doubled(PtxType t) {
        try {
            return t.doubled();
        } catch (IllegalStateException e) {
            throw error(e.getMessage());
        }
    }

    // ---- operands -------------------------------------------------------------------------------

    /** Parses destination then sources, checking the operand count. */
    private Instr operands(Instr in, String[] ops, int count, PtxType... types) {
        if (ops.length != count) throw error("'" + opcode + "' needs " + count + " operands, got " + ops.length);
        int nDst = switch (in.op) {
            case BAR, BAR_WARP, MEMBAR, EXIT -> 0;
            default -> count > 0 ? 1 : 0;
        };
        in.dst = new Operand[nDst];
        if (nDst == 1) in.dst[0] = destination(ops[0]);
        in.src = new Operand[count - nDst];
        for (int k = nDst; k < count; k++) in.src[k - nDst] = source(ops[k], types[k]);
        return in;
    }

    /** "%d|%p": a destination with an optional predicate destination. */
    private Operand[] predPair(String s) {
        int bar = s.indexOf('|');
        if (bar < 0) return new Operand[] {destination(s)};
        return new Operand[] {destination(s.substring(0, bar).trim()), destination(s.substring(bar + 1).trim())};
    }

    private Operand destination(String s) {
        if (!s.startsWith("%")) throw error("destination must be a register, got '" + s + "'");
        return Operand.reg(register(s), false);
    }

    private Operand source(String s, PtxType type) {
        if (s.startsWith("!%")) return Operand.reg(register(s.substring(1)), true);
        if (s.startsWith("%")) {
            Operand.Special sp = Operand.Special.byName(s);
            return sp != null ? Operand.special(sp) : Operand.reg(register(s), false);
        }
        if (s.startsWith("{")) throw error("unexpected vector operand '" + s + "'");
        if (s.startsWith("[")) throw error("unexpected address operand '" + s + "'");
        Long symbol = sharedSymbols.get(s);
        if (symbol != null) return Operand.imm(symbol);
        return Operand.imm(literal(s, type));
    }

    private Operand vector(String s) {
        if (!s.startsWith("{") || !s.endsWith("}")) throw error("expected a vector operand {..}, got '" + s + "'");
        String[] parts = s.substring(1, s.length() - 1).split(",");
        Operand[] elems = new Operand[parts.length];
        for (int k = 0; k < parts.length; k++) elems[k] = destination(parts[k].trim());
        return Operand.vec(elems);
    }

    /** "[%rd]", "[%rd+16]", "[smem+8]", "[param]": a base register or a symbol's address, plus an offset. */
    private Operand address(String s, Space space) {
        if (!s.startsWith("[") || !s.endsWith("]")) throw error("expected an address [..], got '" + s + "'");
        String inner = s.substring(1, s.length() - 1).replace(" ", "");
        long offset = 0;
        int split = Math.max(inner.lastIndexOf('+'), inner.lastIndexOf('-'));
        String base = inner;
        if (split > 0) {
            String off = inner.substring(split + 1);
            offset = literal(off, PtxType.S64);
            if (inner.charAt(split) == '-') offset = -offset;
            base = inner.substring(0, split);
            if (base.endsWith("+")) base = base.substring(0, base.length() - 1);
        }
        if (base.startsWith("%")) return Operand.addr(register(base), offset);
        for (PtxProgram.Param p : entry.params) {
            if (p.name().equals(base)) {
                if (space != Space.PARAM) throw error("parameter " + base + " must be read with ld.param");
                return Operand.addr(-1, p.offset() + offset);
            }
        }
        Long sym = sharedSymbols.get(base);
        if (sym != null) {
            if (space == Space.GENERIC) return Operand.addr(-1, BlockRunner.SHARED_WINDOW + sym + offset);
            if (space != Space.SHARED) throw error("shared variable " + base + " used with ." + space.name().toLowerCase());
            return Operand.addr(-1, sym + offset);
        }
        if (base.matches("\\d+|0[xX][0-9a-fA-F]+")) return Operand.addr(-1, literal(base, PtxType.U64) + offset);
        throw error("unknown symbol '" + base + "' in address " + s);
    }

    private int register(String name) {
        Integer r = registers.get(name);
        if (r == null) throw error("undeclared register " + name);
        return r;
    }

    /** Integer (decimal, 0x hex) and float (0fXXXXXXXX, 0dXXXXXXXXXXXXXXXX, decimal) literals, as bits of {@code type}. */
    private long literal(String s, PtxType type) {
        try {
            if (s.length() == 10 && (s.startsWith("0f") || s.startsWith("0F"))) {
                float f = Float.intBitsToFloat(Integer.parseUnsignedInt(s.substring(2), 16));
                return type == PtxType.F64 ? Double.doubleToRawLongBits(f) : Float.floatToRawIntBits(f) & 0xFFFF_FFFFL;
            }
            if (s.length() == 18 && (s.startsWith("0d") || s.startsWith("0D"))) {
                double d = Double.longBitsToDouble(Long.parseUnsignedLong(s.substring(2), 16));
                return type == PtxType.F32 ? Float.floatToRawIntBits((float) d) & 0xFFFF_FFFFL : Double.doubleToRawLongBits(d);
            }
            String t = s.endsWith("U") || s.endsWith("u") ? s.substring(0, s.length() - 1) : s;
            boolean negative = t.startsWith("-");
            String digits = negative ? t.substring(1) : t;
            if (digits.startsWith("0x") || digits.startsWith("0X") || digits.matches("\\d+")) {
                long v = digits.matches("\\d+") ? Long.parseUnsignedLong(digits) : Long.parseUnsignedLong(digits.substring(2), 16);
                if (negative) v = -v;
                if (type == PtxType.F32) return Float.floatToRawIntBits((float) v) & 0xFFFF_FFFFL;
                if (type == PtxType.F64) return Double.doubleToRawLongBits((double) v);
                return v;
            }
            if (t.matches("-?(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][-+]?\\d+)?") && type != null && type.isFloat()) {
                double d = Double.parseDouble(t);
                return type == PtxType.F32 ? Float.floatToRawIntBits((float) d) & 0xFFFF_FFFFL : Double.doubleToRawLongBits(d);
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw error("cannot parse operand '" + s + "'" + (s.matches("[A-Za-z_$][\\w$]*") ? " (unknown symbol)" : ""));
    }

    /** Splits on commas outside {..} and [..]. */
    private String[] splitOperands(String s) {
        if (s.isEmpty()) return new String[0];
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{' || c == '[') depth++;
            else if (c == '}' || c == ']') depth--;
            else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i).trim());
                start = i + 1;
            }
        }
        out.add(s.substring(start).trim());
        return out.toArray(new String[0]);
    }

    private GpuException error(String message) {
        return parser.error(line, message + " in kernel " + entry.name + ": " + text);
    }
}
