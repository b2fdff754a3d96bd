package sslj.kernels.emu;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sslj.kernels.emu.StatementSplitter.Kind;
import sslj.kernels.emu.StatementSplitter.Stmt;
import sslj.kernels.runtime.GpuException;

/**
 * Parses a PTX module into a {@link PtxProgram}: module directives, .shared variables, and each
 * .entry with its parameters, registers and instructions (decoded by {@link InstructionParser}).
 * Anything outside the supported subset is an error naming the file and line, never skipped.
 *
 * <p>Shared-memory layout of a kernel: module-scope .shared variables first, then the kernel's own,
 * each at its alignment, starting at shared address 0; dynamic (.extern) shared memory starts after
 * them at a 16-byte boundary. Every .extern .shared array aliases that same start, as on hardware.
 */
final class PtxParser {
    private static final Pattern HEADER = Pattern.compile(
            "(?:\\.visible\\s+|\\.weak\\s+)?\\.entry\\s+([A-Za-z_$][\\w$]*)\\s*\\((.*)\\)\\s*(.*)");
    private static final Pattern REG_ARRAY = Pattern.compile("(%[A-Za-z_$][\\w$]*)<(\\d+)>");
    private static final Pattern NAME = Pattern.compile("%[A-Za-z_$][\\w$]*");
    private static final Pattern SHARED_DECL = Pattern.compile(
            "(?:\\.align\\s+(\\d+)\\s+)?\\.(\\w+)\\s+([A-Za-z_$][\\w$]*)\\s*((?:\\[\\s*\\d*\\s*\\]\\s*)*)");

    private final String path;
    private final PtxProgram program;
    /** Module-scope shared variables: name -> {size, alignment, dynamic?1:0}. */
    private final Map<String, int[]> moduleShared = new LinkedHashMap<>();

    private PtxParser(String path) {
        this.path = path;
        this.program = new PtxProgram(path);
    }

    /** Parses {@code source}, the text of the resource {@code path}. */
    static PtxProgram parse(String path, String source) {
        PtxParser p = new PtxParser(path);
        p.parseModule(StatementSplitter.split(path, source));
        return p.program;
    }

    GpuException error(int line, String message) {
        return new GpuException(path + " line " + line + ": " + message);
    }

    private void parseModule(List<Stmt> stmts) {
        int i = 0;
        while (i < stmts.size()) {
            Stmt s = stmts.get(i);
            switch (s.kind()) {
                case STATEMENT -> { moduleDirective(s); i++; }
                case HEADER -> i = parseEntry(stmts, i);
                default -> throw error(s.line(), "unexpected '" + s.text() + "' at module scope");
            }
        }
        if (program.entries.isEmpty()) throw new GpuException(path + ": no .entry kernels in the module");
    }

    private void moduleDirective(Stmt s) {
        String t = s.text();
        if (t.startsWith(".version ") || t.startsWith(".target ") || t.startsWith(".file ")) return;
        if (t.startsWith(".address_size ")) {
            if (!t.equals(".address_size 64")) throw error(s.line(), "only .address_size 64 is supported: " + t);
            return;
        }
        if (t.startsWith(".shared ") || t.startsWith(".extern .shared ")) {
            declareShared(s, moduleShared);
            return;
        }
        throw error(s.line(), "unsupported module-scope statement '" + t + "' (the emulator supports .version, .target, "
                + ".address_size, .shared and .entry)");
    }

    /** Parses "[.extern] .shared [.align N] .type name[dims]" into {size, align, dynamic}. */
    private void declareShared(Stmt s, Map<String, int[]> into) {
        String t = s.text();
        boolean dynamic = t.startsWith(".extern ");
        String rest = t.substring(t.indexOf(".shared") + ".shared".length()).trim();
        Matcher m = SHARED_DECL.matcher(rest);
        if (!m.matches()) throw error(s.line(), "cannot parse shared declaration '" + t + "'");
        PtxType type = PtxType.parse(m.group(2));
        if (type == null || type == PtxType.PRED) throw error(s.line(), "unsupported shared type ." + m.group(2) + " in '" + t + "'");
        int align = m.group(1) != null ? Integer.parseInt(m.group(1)) : type.bytes();
        long size = type.bytes();
        String dims = m.group(4).trim();
        if (dynamic) {
            if (!dims.equals("[]")) throw error(s.line(), ".extern .shared must be an unsized array name[]: '" + t + "'");
            size = 0;
        } else if (!dims.isEmpty()) {
            for (String d : dims.substring(1, dims.length() - 1).split("\\]\\s*\\[")) {
                if (d.isBlank()) throw error(s.line(), "a .shared array without .extern needs a size: '" + t + "'");
                size *= Long.parseLong(d.trim());
            }
        }
        if (size > 48 * 1024) throw error(s.line(), "shared variable of " + size + " bytes exceeds 48 KiB: '" + t + "'");
        if (into.containsKey(m.group(3))) throw error(s.line(), "shared variable " + m.group(3) + " declared twice");
        into.put(m.group(3), new int[] {(int) size, align, dynamic ? 1 : 0});
    }

    /** Parses the entry whose header is at {@code i}; returns the index after its closing brace. */
    private int parseEntry(List<Stmt> stmts, int i) {
        Stmt header = stmts.get(i);
        Matcher m = HEADER.matcher(header.text());
        if (!m.matches()) {
            throw error(header.line(), "unsupported function header '" + header.text() + "' (only .entry kernels; no .func)");
        }
        PtxProgram.Entry entry = new PtxProgram.Entry(m.group(1), program);
        if (program.entries.containsKey(entry.name)) throw error(header.line(), "kernel " + entry.name + " defined twice");
        parseParams(header, entry, m.group(2));
        checkPerformanceDirectives(header, m.group(3));

        Map<String, int[]> localShared = new LinkedHashMap<>(moduleShared);
        Map<String, Integer> registers = new HashMap<>();
        List<Stmt> body = new ArrayList<>();
        int depth = 0;
        int j = i + 1;
        do {
            Stmt s = stmts.get(j++);
            if (s.kind() == Kind.OPEN) depth++;
            else if (s.kind() == Kind.CLOSE) depth--;
            else if (s.kind() == Kind.HEADER) throw error(s.line(), "nested function header");
            else if (s.kind() == Kind.STATEMENT && s.text().startsWith(".reg ")) declareRegisters(s, entry, registers);
            else if (s.kind() == Kind.STATEMENT && (s.text().startsWith(".shared ") || s.text().startsWith(".extern .shared "))) {
                declareShared(s, localShared);
            } else body.add(s);
        } while (depth > 0);

        Map<String, Long> symbols = layoutShared(entry, localShared);
        InstructionParser decoder = new InstructionParser(this, entry, registers, symbols);
        List<Instr> code = new ArrayList<>();
        Map<String, Integer> labels = new HashMap<>();
        for (Stmt s : body) {
            if (s.kind() == Kind.LABEL) {
                if (labels.put(s.text(), code.size()) != null) throw error(s.line(), "label " + s.text() + " defined twice");
            } else if (s.text().startsWith(".pragma ") || s.text().startsWith(".loc ")) {
                continue;
            } else if (s.text().startsWith(".")) {
                throw error(s.line(), "unsupported directive inside kernel " + entry.name + ": '" + s.text() + "'");
            } else {
                code.add(decoder.decode(s.line(), s.text()));
            }
        }
        // A kernel that runs off its end exits, as if it ended with ret.
        code.add(new Instr(Instr.Op.EXIT, stmts.get(j - 1).line(), "} (end of kernel)"));
        for (Instr in : code) {
            if (in.label != null) {
                Integer target = labels.get(in.label);
                if (target == null) throw error(in.line, "branch to undefined label " + in.label + " in kernel " + entry.name);
                in.target = target;
            }
        }
        entry.code = code.toArray(new Instr[0]);
        program.entries.put(entry.name, entry);
        return j;
    }

    private void parseParams(Stmt header, PtxProgram.Entry entry, String list) {
        int offset = 0;
        if (list.isBlank()) return;
        for (String raw : list.split(",")) {
            String[] tok = raw.trim().split("\\s+");
            if (tok.length < 3 || !tok[0].equals(".param")) throw error(header.line(), "cannot parse parameter '" + raw.trim() + "'");
            PtxType type = PtxType.parse(tok[1].substring(1));
            if (type == null || type == PtxType.PRED || type.bits < 32) {
                throw error(header.line(), "unsupported parameter type " + tok[1] + " in '" + raw.trim() + "' (use .u32/.s32/.b32/.f32/.u64/.s64/.b64)");
            }
            for (int k = 2; k < tok.length - 1; k++) {
                // .ptr attributes (.ptr .global .align 16) describe the pointer; they do not change the value.
                if (!tok[k].startsWith(".ptr") && !tok[k].equals(".global") && !tok[k].equals(".shared")
                        && !tok[k].equals(".align") && !tok[k].matches("\\d+")) {
                    throw error(header.line(), "unsupported parameter attribute " + tok[k] + " in '" + raw.trim() + "'");
                }
            }
            String name = tok[tok.length - 1];
            if (!name.matches("[A-Za-z_$][\\w$]*")) throw error(header.line(), "unsupported parameter declaration '" + raw.trim() + "'");
            offset = align(offset, type.bytes());
            entry.params.add(new PtxProgram.Param(name, type, offset));
            offset += type.bytes();
        }
        entry.paramBytes = offset;
    }

    private void checkPerformanceDirectives(Stmt header, String tail) {
        for (String tok : tail.split("\\s+")) {
            if (tok.isEmpty() || !tok.startsWith(".")) continue;
            if (!tok.equals(".maxntid") && !tok.equals(".reqntid") && !tok.equals(".minnctapersm") && !tok.equals(".maxnreg")) {
                throw error(header.line(), "unsupported kernel directive " + tok);
            }
        }
    }

    /** ".reg .f32 %a, %b<4>;" declares %a and %b0..%b3. */
    private void declareRegisters(Stmt s, PtxProgram.Entry entry, Map<String, Integer> registers) {
        String rest = s.text().substring(5).trim();
        int sp = rest.indexOf(' ');
        if (sp < 0 || PtxType.parse(rest.substring(1, sp)) == null) throw error(s.line(), "cannot parse register declaration '" + s.text() + "'");
        for (String decl : rest.substring(sp + 1).split(",")) {
            decl = decl.trim();
            Matcher arr = REG_ARRAY.matcher(decl);
            if (arr.matches()) {
                checkRegisterName(s, arr.group(1));
                int n = Integer.parseInt(arr.group(2));
                for (int k = 0; k < n; k++) addRegister(s, entry, registers, arr.group(1) + k);
            } else if (NAME.matcher(decl).matches()) {
                checkRegisterName(s, decl);
                addRegister(s, entry, registers, decl);
            } else {
                throw error(s.line(), "cannot parse register name '" + decl + "'");
            }
        }
    }

    private void checkRegisterName(Stmt s, String name) {
        if (Operand.Special.isReservedStem(name) || Operand.Special.byName(name) != null) {
            throw error(s.line(), "register " + name + " has the name of a special register (ptxas rejects it)");
        }
    }

    private void addRegister(Stmt s, PtxProgram.Entry entry, Map<String, Integer> registers, String name) {
        if (registers.putIfAbsent(name, entry.registerNames.size()) != null) throw error(s.line(), "register " + name + " declared twice");
        entry.registerNames.add(name);
    }

    /** Assigns shared offsets; returns symbol name to shared address. */
    private Map<String, Long> layoutShared(PtxProgram.Entry entry, Map<String, int[]> vars) {
        Map<String, Long> symbols = new HashMap<>();
        int offset = 0;
        for (Map.Entry<String, int[]> v : vars.entrySet()) {
            int[] d = v.getValue();
            if (d[2] == 1) continue;
            offset = align(offset, d[1]);
            entry.shared.add(new PtxProgram.SharedVar(v.getKey(), offset, d[0], false));
            symbols.put(v.getKey(), (long) offset);
            offset += d[0];
        }
        entry.staticSharedBytes = offset;
        entry.dynamicSharedOffset = align(offset, 16);
        for (Map.Entry<String, int[]> v : vars.entrySet()) {
            if (v.getValue()[2] == 0) continue;
            entry.shared.add(new PtxProgram.SharedVar(v.getKey(), entry.dynamicSharedOffset, 0, true));
            symbols.put(v.getKey(), (long) entry.dynamicSharedOffset);
        }
        return symbols;
    }

    static int align(int offset, int alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }
}
