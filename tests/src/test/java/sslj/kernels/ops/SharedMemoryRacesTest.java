package sslj.kernels.ops;

import org.junit.jupiter.api.Test;
import sslj.kernels.emu.PtxEmulator;
import sslj.kernels.ops.GemmKernels.Operand;
import sslj.kernels.runtime.DevicePtr;

/**
 * The two kernels that share memory between threads (sgemmTiled's tiles, sortLines' keys) run with
 * the emulator's race detector on: a missing or misplaced bar.sync is an error here even where the
 * emulator's one-thread-at-a-time schedule would hide it. (Checked: deleting sgemmTiled's second
 * bar.sync makes this test fail with a race on As.)
 */
class SharedMemoryRacesTest {
    @Test
    void tiledGemmAndBitonicSortHaveNoSharedMemoryRaces() {
        try (PtxEmulator emu = new PtxEmulator(); Dev d = new Dev(emu); IndexKernels idx = new IndexKernels(emu)) {
            emu.setRaceDetection(true);
            int m = 130, n = 20, k = 17;
            DevicePtr a = d.upload(Dev.random(1, m * k)), b = d.upload(Dev.random(2, k * n)), c = d.poisoned(m * n);
            new GemmKernels(emu).sgemm(1, m, n, k, Operand.of(a, k), Operand.of(b, n), c, n, 0);

            DevicePtr x = d.upload(Dev.random(3, 2 * 300)), order = d.poisoned(2 * 300);
            idx.sortLines(x, null, order, 2, 300, 300, true);
        }
    }
}
