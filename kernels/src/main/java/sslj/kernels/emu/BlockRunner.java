package sslj.kernels.emu;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import sslj.kernels.emu.Instr.Op;
import sslj.kernels.runtime.Dim3;
import sslj.kernels.runtime.GpuException;

/**
 * Runs one launch: every block of the grid, one block after another, and within a block every
 * thread in turn.
 *
 * <p>Scheduling. Each thread has its own pc and registers. A round runs every runnable thread until it
 * waits at a collective or exits ({@link Interpreter#run}); then the collectives are resolved:
 * a shfl.sync / vote.sync / bar.warp.sync completes when every lane named in its membermask that has
 * not exited waits at that same instruction; a bar.sync completes when every thread of the block that
 * has not exited waits at a bar.sync (exited threads count as arrived, as on current hardware).
 * If a round ends with nobody runnable and nothing can complete, the block is deadlocked, and that is
 * reported with where each thread waits. Running threads one at a time between barriers is one
 * legal interleaving; the {@link RaceDetector} catches kernels whose result depends on it.
 */
final class BlockRunner {
    /** Base of the shared-memory window in the generic address space (see {@link Interpreter}). */
    static final long SHARED_WINDOW = 0x0000_1000_0000_0000L;
    static final int RUNNING = 0;
    static final int WAITING = 1;
    static final int EXITED = 2;

    /** A thread: its index, coordinates, registers and pc. */
    static final class ThreadState {
        final int tid;
        final int x;
        final int y;
        final int z;
        final long[] regs;
        /** Special register values, indexed by {@link Operand.Special#ordinal()}. */
        final long[] special = new long[Operand.Special.values().length];
        int pc;
        int status;

        ThreadState(int tid, int x, int y, int z, int registers) {
            this.tid = tid;
            this.x = x;
            this.y = y;
            this.z = z;
            this.regs = new long[registers];
        }
    }

    final PtxProgram.Entry entry;
    private final Dim3 grid;
    private final Dim3 blockDim;
    private final ThreadState[] threads;
    private final byte[] shared;
    private final int sharedBytes;
    private final Interpreter interpreter;
    private final RaceDetector race;
    private int bx;
    private int by;
    private int bz;

    BlockRunner(PtxProgram.Entry entry, DeviceMemory memory, Dim3 grid, Dim3 blockDim, int dynamicSharedBytes,
                byte[] params, boolean detectRaces, long maxStepsPerRun) {
        this.entry = entry;
        this.grid = grid;
        this.blockDim = blockDim;
        boolean hasDynamic = entry.shared.stream().anyMatch(PtxProgram.SharedVar::dynamic);
        this.sharedBytes = hasDynamic || dynamicSharedBytes > 0 ? entry.dynamicSharedOffset + dynamicSharedBytes : entry.staticSharedBytes;
        this.shared = new byte[sharedBytes];
        this.race = detectRaces ? new RaceDetector(this, sharedBytes) : null;
        this.interpreter = new Interpreter(this, entry.code, memory, shared, sharedBytes, params, race, maxStepsPerRun);
        int n = (int) blockDim.count();
        this.threads = new ThreadState[n];
        int warps = (n + 31) / 32;
        for (int tid = 0; tid < n; tid++) {
            int x = tid % blockDim.x();
            int y = tid / blockDim.x() % blockDim.y();
            int z = tid / (blockDim.x() * blockDim.y());
            ThreadState t = new ThreadState(tid, x, y, z, entry.registerNames.size());
            long[] s = t.special;
            s[Operand.Special.TID_X.ordinal()] = x;
            s[Operand.Special.TID_Y.ordinal()] = y;
            s[Operand.Special.TID_Z.ordinal()] = z;
            s[Operand.Special.NTID_X.ordinal()] = blockDim.x();
            s[Operand.Special.NTID_Y.ordinal()] = blockDim.y();
            s[Operand.Special.NTID_Z.ordinal()] = blockDim.z();
            s[Operand.Special.NCTAID_X.ordinal()] = grid.x();
            s[Operand.Special.NCTAID_Y.ordinal()] = grid.y();
            s[Operand.Special.NCTAID_Z.ordinal()] = grid.z();
            int lane = tid % 32;
            s[Operand.Special.LANEID.ordinal()] = lane;
            s[Operand.Special.WARPID.ordinal()] = tid / 32;
            s[Operand.Special.NWARPID.ordinal()] = warps;
            s[Operand.Special.LANEMASK_EQ.ordinal()] = 1L << lane;
            s[Operand.Special.LANEMASK_LT.ordinal()] = (1L << lane) - 1;
            s[Operand.Special.LANEMASK_LE.ordinal()] = (2L << lane) - 1;
            s[Operand.Special.LANEMASK_GT.ordinal()] = 0xFFFF_FFFFL & ~((2L << lane) - 1);
            s[Operand.Special.LANEMASK_GE.ordinal()] = 0xFFFF_FFFFL & ~((1L << lane) - 1);
            threads[tid] = t;
        }
    }

    int sharedBytes() { return sharedBytes; }

    /** Runs every block of the grid; returns the number of instructions executed. */
    long runGrid() {
        for (int z = 0; z < grid.z(); z++) {
            for (int y = 0; y < grid.y(); y++) {
                for (int x = 0; x < grid.x(); x++) runBlock(x, y, z);
            }
        }
        return interpreter.executed;
    }

    private void runBlock(int x, int y, int z) {
        bx = x;
        by = y;
        bz = z;
        // Shared memory and registers are undefined at block start on hardware; zero keeps runs reproducible.
        Arrays.fill(shared, (byte) 0);
        if (race != null) race.reset();
        for (ThreadState t : threads) {
            Arrays.fill(t.regs, 0);
            t.pc = 0;
            t.status = RUNNING;
            t.special[Operand.Special.CTAID_X.ordinal()] = x;
            t.special[Operand.Special.CTAID_Y.ordinal()] = y;
            t.special[Operand.Special.CTAID_Z.ordinal()] = z;
        }
        while (true) {
            for (ThreadState t : threads) {
                if (t.status == RUNNING) interpreter.run(t);
            }
            if (resolveWarpCollectives()) continue;
            if (releaseBarrier()) continue;
            if (allExited()) return;
            throw deadlock();
        }
    }

    /** Completes every warp collective whose participants have all arrived; true if any completed. */
    private boolean resolveWarpCollectives() {
        boolean progressed = false;
        for (int base = 0; base < threads.length; base += 32) {
            int lanes = Math.min(32, threads.length - base);
            for (int lane = 0; lane < lanes; lane++) {
                ThreadState t = threads[base + lane];
                if (t.status != WAITING) continue;
                Instr in = entry.code[t.pc];
                if (in.op == Op.BAR) continue;
                int mask = (int) Interpreter.value(in.src[in.src.length - 1], t);
                if ((mask & (1 << lane)) == 0) {
                    throw fault(t, in, String.format("membermask 0x%08x does not include the executing lane %d", mask, lane));
                }
                int live = 0;
                int arrived = 0;
                for (int l = 0; l < lanes; l++) {
                    ThreadState o = threads[base + l];
                    if (o.status != EXITED) live |= 1 << l;
                    if (o.status == WAITING && o.pc == t.pc) arrived |= 1 << l;
                }
                int participants = mask & live;
                if ((participants & ~arrived) != 0) continue;
                for (int l = 0; l < lanes; l++) {
                    if ((participants & (1 << l)) == 0) continue;
                    int theirs = (int) Interpreter.value(in.src[in.src.length - 1], threads[base + l]);
                    if (theirs != mask) {
                        throw fault(threads[base + l], in, String.format(
                                "lanes disagree on the membermask: lane %d passes 0x%08x, lane %d passes 0x%08x", lane, mask, l, theirs));
                    }
                }
                Collectives.execute(in, threads, base, lanes, participants);
                for (int l = 0; l < lanes; l++) {
                    if ((participants & (1 << l)) == 0) continue;
                    ThreadState o = threads[base + l];
                    o.pc++;
                    o.status = RUNNING;
                    interpreter.executed++;
                }
                progressed = true;
            }
        }
        return progressed;
    }

    /** Releases bar.sync once every thread that has not exited waits at one. */
    private boolean releaseBarrier() {
        int waiting = 0;
        for (ThreadState t : threads) {
            if (t.status == EXITED) continue;
            if (t.status != WAITING || entry.code[t.pc].op != Op.BAR) return false;
            waiting++;
        }
        if (waiting == 0) return false;
        for (ThreadState t : threads) {
            if (t.status == EXITED) continue;
            t.pc++;
            t.status = RUNNING;
        }
        interpreter.executed += waiting;
        if (race != null) race.newInterval();
        return true;
    }

    private boolean allExited() {
        for (ThreadState t : threads) if (t.status != EXITED) return false;
        return true;
    }

    /** Lanes of t's warp that have not exited (activemask). */
    long liveLaneMask(ThreadState t) {
        int base = t.tid / 32 * 32;
        long mask = 0;
        for (int l = 0; l < 32 && base + l < threads.length; l++) if (threads[base + l].status != EXITED) mask |= 1L << l;
        return mask;
    }

    private GpuException deadlock() {
        Map<Integer, Integer> waitingAt = new LinkedHashMap<>();
        Map<Integer, ThreadState> firstAt = new LinkedHashMap<>();
        int exited = 0;
        for (ThreadState t : threads) {
            if (t.status == EXITED) { exited++; continue; }
            waitingAt.merge(t.pc, 1, Integer::sum);
            firstAt.putIfAbsent(t.pc, t);
        }
        StringBuilder sb = new StringBuilder(String.format("kernel %s: deadlock in block %s: no thread can proceed;",
                entry.name, blockName()));
        for (Map.Entry<Integer, Integer> e : waitingAt.entrySet()) {
            Instr in = entry.code[e.getKey()];
            ThreadState t = firstAt.get(e.getKey());
            sb.append(String.format(" %d thread%s (first: thread (%d,%d,%d), warp %d) wait at %s;", e.getValue(),
                    e.getValue() == 1 ? "" : "s", t.x, t.y, t.z, t.tid / 32, in.where()));
        }
        sb.append(' ').append(exited).append(" threads have exited. A bar.sync completes when every thread of the block that"
                + " has not exited reaches one; a shfl.sync/vote.sync when every live lane of its membermask reaches the same one.");
        return new GpuException(sb.toString());
    }

    String blockName() { return "(" + bx + "," + by + "," + bz + ")"; }

    String threadName(int tid) {
        ThreadState t = threads[tid];
        return "(" + t.x + "," + t.y + "," + t.z + ")";
    }

    /** The error for a fault of thread {@code t} at instruction {@code in}. */
    GpuException fault(ThreadState t, Instr in, String what) {
        return new GpuException(String.format("kernel %s: %s; in block %s thread %s at %s [module %s]", entry.name, what,
                blockName(), threadName(t.tid), in == null ? "?" : in.where(), entry.module.resourcePath()));
    }
}
