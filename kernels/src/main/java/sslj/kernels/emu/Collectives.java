package sslj.kernels.emu;

import sslj.kernels.emu.BlockRunner.ThreadState;

/**
 * The warp-collective instructions, executed once for all participating lanes together after every
 * one of them has arrived: shfl.sync, vote.sync and bar.warp.sync. All inputs are read before any
 * output is written, as on hardware where the lanes exchange values simultaneously.
 *
 * <p>shfl.sync follows the PTX ISA pseudocode: c packs a clamp lane (bits 0..4) and a segment mask
 * (bits 8..12); the source lane j is computed per mode, and when j falls outside the clamp the lane
 * keeps its own value and the optional predicate output is false. Reading from a lane that is not
 * participating is undefined in PTX; here it reads that lane's current register (lanes past the end
 * of a partial last warp read their own value).
 */
final class Collectives {
    private Collectives() { }

    static void execute(Instr in, ThreadState[] threads, int base, int lanes, int participants) {
        switch (in.op) {
            case SHFL -> shuffle(in, threads, base, lanes, participants);
            case VOTE -> vote(in, threads, base, lanes, participants);
            case BAR_WARP -> { }
            default -> throw new IllegalStateException(in.op + " is not a warp collective");
        }
    }

    private static void shuffle(Instr in, ThreadState[] threads, int base, int lanes, int participants) {
        long[] values = new long[32];
        boolean[] inRange = new boolean[32];
        for (int lane = 0; lane < lanes; lane++) {
            if ((participants & (1 << lane)) == 0) continue;
            ThreadState t = threads[base + lane];
            int b = (int) Interpreter.value(in.src[1], t) & 31;
            int c = (int) Interpreter.value(in.src[2], t);
            int clamp = c & 31;
            int segmentMask = (c >> 8) & 31;
            int maxLane = (lane & segmentMask) | (clamp & ~segmentMask);
            int minLane = lane & segmentMask;
            int j;
            boolean ok;
            switch (in.shflMode) {
                case UP -> { j = lane - b; ok = j >= maxLane; }
                case DOWN -> { j = lane + b; ok = j <= maxLane; }
                case BFLY -> { j = lane ^ b; ok = j <= maxLane; }
                default -> { j = minLane | (b & ~segmentMask); ok = j <= maxLane; }
            }
            if (!ok) j = lane;
            ThreadState source = j < lanes ? threads[base + j] : t;
            values[lane] = Interpreter.value(in.src[0], source);
            inRange[lane] = ok;
        }
        for (int lane = 0; lane < lanes; lane++) {
            if ((participants & (1 << lane)) == 0) continue;
            ThreadState t = threads[base + lane];
            t.regs[in.dst[0].reg] = values[lane] & 0xFFFF_FFFFL;
            if (in.dst.length > 1) t.regs[in.dst[1].reg] = inRange[lane] ? 1 : 0;
        }
    }

    private static void vote(Instr in, ThreadState[] threads, int base, int lanes, int participants) {
        long ballot = 0;
        for (int lane = 0; lane < lanes; lane++) {
            if ((participants & (1 << lane)) != 0 && Interpreter.value(in.src[0], threads[base + lane]) != 0) ballot |= 1L << lane;
        }
        long all = participants & 0xFFFF_FFFFL;
        long result = switch (in.voteMode) {
            case ALL -> ballot == all ? 1 : 0;
            case ANY -> ballot != 0 ? 1 : 0;
            case UNI -> ballot == 0 || ballot == all ? 1 : 0;
            case BALLOT -> ballot;
        };
        for (int lane = 0; lane < lanes; lane++) {
            if ((participants & (1 << lane)) != 0) threads[base + lane].regs[in.dst[0].reg] = result;
        }
    }
}
