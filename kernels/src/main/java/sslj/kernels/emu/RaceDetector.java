package sslj.kernels.emu;

import java.util.Arrays;
import sslj.kernels.emu.BlockRunner.ThreadState;

/**
 * Flags shared-memory data races within one barrier interval: two different threads touch the same
 * byte, at least one of them writes, and they are not both atomics. On hardware such a kernel's result
 * depends on warp scheduling; here threads run one after another, so the race would otherwise go
 * unnoticed.
 *
 * <p>Per byte of shared memory it remembers, for the current interval, the last writer and the first
 * reader (and whether a second thread also read). An interval starts at every bar.sync; instead of
 * clearing the tables, each entry carries the interval it belongs to, so a barrier costs O(1).
 * Warp-level collectives (shfl.sync, bar.warp.sync) do not start an interval: only bar.sync orders
 * shared-memory accesses across the block here.
 */
final class RaceDetector {
    private final BlockRunner block;
    private final int[] interval;
    private final int[] writer;
    private final Instr[] writeInstr;
    private final boolean[] writeAtomic;
    private final int[] reader;
    private final Instr[] readInstr;
    private final boolean[] secondReader;
    private int current = 1;

    RaceDetector(BlockRunner block, int sharedBytes) {
        this.block = block;
        this.interval = new int[sharedBytes];
        this.writer = new int[sharedBytes];
        this.writeInstr = new Instr[sharedBytes];
        this.writeAtomic = new boolean[sharedBytes];
        this.reader = new int[sharedBytes];
        this.readInstr = new Instr[sharedBytes];
        this.secondReader = new boolean[sharedBytes];
    }

    /** A barrier: accesses before it cannot race with accesses after it. */
    void newInterval() { current++; }

    /** A new block: forget everything (the interval counter keeps increasing). */
    void reset() {
        current++;
        Arrays.fill(writeInstr, null);
        Arrays.fill(readInstr, null);
    }

    /** Records an access of {@code size} bytes at shared offset {@code off}; throws on a race. */
    void access(ThreadState t, Instr in, int off, int size, boolean write, boolean atomic) {
        for (int b = off; b < off + size; b++) {
            if (interval[b] != current) {
                interval[b] = current;
                writer[b] = -1;
                reader[b] = -1;
                secondReader[b] = false;
            }
            if (writer[b] >= 0 && writer[b] != t.tid && !(atomic && writeAtomic[b])) {
                throw race(b, writer[b], writeInstr[b], "writes", t, in, write ? (atomic ? "atomically updates" : "writes") : "reads");
            }
            if (write && reader[b] >= 0 && (reader[b] != t.tid || secondReader[b])) {
                int other = reader[b] != t.tid ? reader[b] : -2;
                if (other >= 0) throw race(b, other, readInstr[b], "reads", t, in, atomic ? "atomically updates" : "writes");
                throw block.fault(t, in, String.format(
                        "shared-memory race at shared address 0x%x: several threads read it and this thread %s it before the next bar.sync",
                        b, atomic ? "atomically updates" : "writes"));
            }
            if (write) {
                writer[b] = t.tid;
                writeInstr[b] = in;
                writeAtomic[b] = atomic;
            } else if (reader[b] < 0) {
                reader[b] = t.tid;
                readInstr[b] = in;
            } else if (reader[b] != t.tid) {
                secondReader[b] = true;
            }
        }
    }

    private RuntimeException race(int address, int firstTid, Instr first, String firstVerb, ThreadState t, Instr in, String verb) {
        return block.fault(t, in, String.format(
                "shared-memory race at shared address 0x%x (%s): thread %s %s it at %s, and thread %s %s it at %s, "
                        + "with no bar.sync between them",
                address, block.entry.symbolAt(address),
                block.threadName(firstTid), firstVerb, first.where(), block.threadName(t.tid), verb, in.where()));
    }
}
