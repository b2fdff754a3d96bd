package sslj.kernels.emu;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sslj.kernels.runtime.GpuKernel;
import sslj.kernels.runtime.GpuModule;

/**
 * A parsed PTX module: its kernels (.entry functions), each decoded into an instruction array with
 * resolved registers, symbols and branch targets. Produced by {@link PtxParser}; run by
 * {@link BlockRunner}.
 */
final class PtxProgram implements GpuModule {
    private final String resourcePath;
    final Map<String, Entry> entries = new LinkedHashMap<>();

    PtxProgram(String resourcePath) { this.resourcePath = resourcePath; }

    @Override
    public String resourcePath() { return resourcePath; }

    /** One .param of an entry: its name, type, and byte offset in the parameter buffer. */
    record Param(String name, PtxType type, int offset) {
        @Override
        public String toString() { return "." + type.ptxName() + " " + name; }
    }

    /** One .shared variable: its name, byte offset in the block's shared memory, and size. */
    record SharedVar(String name, int offset, int bytes, boolean dynamic) { }

    /** A kernel: parameters, register count, shared-memory layout and code. */
    static final class Entry implements GpuKernel {
        final String name;
        final PtxProgram module;
        final List<Param> params = new ArrayList<>();
        final List<SharedVar> shared = new ArrayList<>();
        /** Register names, by index; the register file of a thread has {@code registerNames.size()} slots. */
        final List<String> registerNames = new ArrayList<>();
        /** Bytes of static shared memory; dynamic shared memory starts at {@link #dynamicSharedOffset}. */
        int staticSharedBytes;
        int dynamicSharedOffset;
        int paramBytes;
        Instr[] code;

        Entry(String name, PtxProgram module) {
            this.name = name;
            this.module = module;
        }

        @Override
        public String name() { return name; }

        @Override
        public PtxProgram module() { return module; }

        List<Param> paramList() { return Collections.unmodifiableList(params); }

        /** "smem+64": the shared variable holding {@code offset}, for messages. */
        String symbolAt(long offset) {
            String best = "no shared variable";
            for (SharedVar v : shared) {
                if (offset >= v.offset() && (v.dynamic() || offset < v.offset() + v.bytes())) best = v.name() + "+" + (offset - v.offset());
            }
            return best;
        }

        /** The shared variable covering {@code offset}, or the nearest one, for fault messages. */
        String describeShared(long offset, int totalBytes) {
            StringBuilder sb = new StringBuilder("the block has " + totalBytes + " bytes of shared memory");
            for (SharedVar v : shared) {
                int size = v.dynamic() ? totalBytes - v.offset() : v.bytes();
                sb.append("; ").append(v.name()).append(" = [").append(v.offset()).append(", ")
                        .append(v.offset() + size).append(')');
            }
            return sb.toString();
        }
    }
}
