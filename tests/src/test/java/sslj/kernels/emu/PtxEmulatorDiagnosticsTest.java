package sslj.kernels.emu;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.Dim3;
import sslj.kernels.runtime.GpuException;
import sslj.kernels.runtime.GpuKernel;
import sslj.kernels.runtime.KernelArgs;

/**
 * What only the emulator can do: precise fault reports (kernel, block, thread, PTX line, address),
 * use-after-free and deadlock detection, the shared-memory race detector, and load-time rejection of
 * PTX it does not understand. A real GPU would crash, hang, or silently give a wrong answer here.
 */
class PtxEmulatorDiagnosticsTest {
    private static final String FAULTS = "/sslj/kernels/emu/faults.ptx";
    private static final String RACE = "/sslj/kernels/emu/race.ptx";
    private static final String VECTOR_ADD = "/sslj/kernels/emu/vector_add.ptx";
    private static final String BLOCK_REDUCE = "/sslj/kernels/emu/block_reduce.ptx";

    private final PtxEmulator emu = new PtxEmulator();

    @AfterEach
    void close() { emu.close(); }

    private static String message(Executable call) {
        return assertThrows(GpuException.class, call::execute).getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "expected \"" + p + "\" in: " + message);
    }

    /** Functional interface that may throw, for assertThrows. */
    private interface Executable { void execute() throws Throwable; }

    @Test
    void outOfBoundsReadNamesKernelBlockThreadLineAndAllocation() {
        int n = 100;
        DevicePtr in = emu.malloc(4L * n);
        DevicePtr out = emu.malloc(4L * n);
        GpuKernel k = emu.kernel(emu.loadModule(FAULTS), "copyOffByOne");
        String msg = message(() -> emu.launch(k, Dim3.of(2), Dim3.of(64), 0, KernelArgs.of().ptr(in).ptr(out).i32(n)));
        // Thread i = n = 100 is block 1, thread 36; it first faults reading in[100].
        int line = Check.lineOf(FAULTS, "ld.global.f32 %x, [%pin];");
        assertContains(msg, "kernel copyOffByOne", "block (1,0,0)", "thread (36,0,0)", "PTX line " + line,
                "ld.global.f32 %x, [%pin];", "global read of 4 bytes", String.format("0x%x", in.address() + 400),
                "0 bytes past the end of allocation " + String.format("0x%x", in.address()), "400 bytes");
    }

    @Test
    void sharedOverrunIsReportedWithTheSharedLayout() {
        GpuKernel k = emu.kernel(emu.loadModule(FAULTS), "sharedOverrun");
        String msg = message(() -> emu.launch(k, Dim3.of(1), Dim3.of(32), 128, KernelArgs.of()));
        assertContains(msg, "kernel sharedOverrun", "invalid shared write of 4 bytes at shared address 0x80",
                "thread (31,0,0)", "PTX line " + Check.lineOf(FAULTS, "st.shared.u32 [%addr+4], %t;"), "tile = [0, 128)");
    }

    @Test
    void useAfterFreeFaults() {
        int n = 10;
        DevicePtr a = emu.malloc(4L * n);
        DevicePtr b = emu.malloc(4L * n);
        DevicePtr out = emu.malloc(4L * n);
        emu.free(b);
        GpuKernel k = emu.kernel(emu.loadModule(VECTOR_ADD), "vecAdd");
        String msg = message(() -> emu.launch(k, Dim3.of(1), Dim3.of(32), 0, KernelArgs.of().ptr(a).ptr(b).ptr(out).i32(n)));
        assertContains(msg, "kernel vecAdd", "use after free", String.format("0x%x", b.address()), "thread (0,0,0)");
        // Host copies are checked too.
        assertContains(message(() -> emu.copyToHost(new float[n], 0, b, n)), "copyToHost", "use after free");
        assertContains(message(() -> emu.copyToHost(new float[n + 1], 0, a, n + 1)), "copyToHost", "past the end");
    }

    @Test
    void allocationsDoNotTouchAndNeverStartAtZero() {
        DevicePtr a = emu.malloc(1000);
        DevicePtr b = emu.malloc(1000);
        assertNotEquals(0, a.address());
        assertTrue(b.address() >= a.address() + 1000 + 4096, "a gap separates allocations");
        assertEquals(0, b.address() % 256);
        emu.free(a);
        emu.free(b);
        assertEquals(0, emu.liveAllocations());
    }

    @Test
    void deadlockIsReportedNotHung() {
        GpuKernel k = emu.kernel(emu.loadModule(FAULTS), "divergentShuffle");
        String msg = message(() -> emu.launch(k, Dim3.of(1), Dim3.of(32), 0, KernelArgs.of()));
        assertContains(msg, "kernel divergentShuffle", "deadlock", "16 threads", "shfl.sync.bfly.b32", "bar.sync 0;",
                "PTX line " + Check.lineOf(FAULTS, "bar.sync 0;"));
    }

    @Test
    void infiniteLoopIsStopped() {
        String ptx = """
                .version 7.0
                .target sm_70
                .address_size 64
                .visible .entry spin()
                {
                LOOP:
                    bra.uni LOOP;
                }
                """;
        emu.setMaxInstructionsPerThreadRun(10_000);
        GpuKernel k = emu.kernel(emu.loadModuleFromText("spin.ptx", ptx), "spin");
        assertContains(message(() -> emu.launch(k, Dim3.of(1), Dim3.of(1), 0, KernelArgs.of())),
                "kernel spin", "10000 instructions", "PTX line 7");
    }

    @Test
    void plantedRaceIsFlaggedOnlyWithDetectionOn() {
        float[] x = new float[128];
        for (int i = 0; i < 128; i++) x[i] = i;
        DevicePtr in = emu.malloc(4 * 128);
        emu.copyToDevice(in, x, 0, 128);
        DevicePtr out = emu.malloc(4);
        GpuKernel k = emu.kernel(emu.loadModule(RACE), "racySum");
        KernelArgs args = KernelArgs.of().ptr(in).ptr(out);

        assertDoesNotThrow(() -> emu.launch(k, Dim3.of(1), Dim3.of(128), 0, args));

        emu.setRaceDetection(true);
        String msg = message(() -> emu.launch(k, Dim3.of(1), Dim3.of(128), 0, args));
        assertContains(msg, "kernel racySum", "shared-memory race", "partial+",
                "PTX line " + Check.lineOf(RACE, "ld.shared.f32 %other, [%otherAddr];"),
                "PTX line " + Check.lineOf(RACE, "st.shared.f32 [%myAddr], %value;", "missing its per-step bar.sync"), "no bar.sync between");
        // Two different threads are named.
        assertTrue(msg.matches("(?s).*thread \\((\\d+),0,0\\).*thread \\((?!\\1,)\\d+,0,0\\).*"), msg);
    }

    @Test
    void correctReductionIsNotFlagged() {
        emu.setRaceDetection(true);
        int n = 1000;
        DevicePtr in = emu.malloc(4L * n);
        emu.memset32(in, Float.floatToRawIntBits(1f), n);
        DevicePtr out = emu.malloc(4L * 4);
        GpuKernel k = emu.kernel(emu.loadModule(BLOCK_REDUCE), "blockSum");
        assertDoesNotThrow(() -> emu.launch(k, Dim3.of(4), Dim3.of(256), 1024, KernelArgs.of().ptr(in).ptr(out).i32(n)));
        float[] sums = new float[4];
        emu.copyToHost(sums, 0, out, 4);
        assertEquals(232f, sums[3]);
    }

    @Test
    void unknownInstructionOrModifierIsRejectedAtLoadWithItsLine() {
        String header = ".version 7.0\n.target sm_70\n.address_size 64\n.visible .entry k(.param .u32 n)\n{\n    .reg .b32 %x;\n";
        String unknown = header + "    ld.param.u32 %x, [n];\n    frobnicate.b32 %x, %x;\n    ret;\n}\n";
        assertContains(message(() -> emu.loadModuleFromText("bad.ptx", unknown)),
                "bad.ptx line 8", "unknown instruction 'frobnicate.b32'");
        String modifier = header + "    add.wrap.u32 %x, %x, 1;\n}\n";
        assertContains(message(() -> emu.loadModuleFromText("bad.ptx", modifier)), "bad.ptx line 7", "unsupported modifier .wrap");
        String undeclared = header + "    add.u32 %y, %x, 1;\n}\n";
        assertContains(message(() -> emu.loadModuleFromText("bad.ptx", undeclared)), "line 7", "undeclared register %y");
        String special = header.replace("%x;", "%tid;") + "}\n";
        assertContains(message(() -> emu.loadModuleFromText("bad.ptx", special)), "line 6", "special register");
    }

    @Test
    void wrongArgumentCountOrTypeIsRejected() {
        GpuKernel k = emu.kernel(emu.loadModule(VECTOR_ADD), "vecAdd");
        DevicePtr p = emu.malloc(16);
        assertContains(message(() -> emu.launch(k, Dim3.of(1), Dim3.of(32), 0, KernelArgs.of().ptr(p).ptr(p).ptr(p))),
                "vecAdd", "expects 4 arguments", "got 3");
        assertContains(message(() -> emu.launch(k, Dim3.of(1), Dim3.of(32), 0, KernelArgs.of().ptr(p).ptr(p).ptr(p).f32(4f))),
                "vecAdd", "parameter n", ".u32", "F32");
        assertContains(message(() -> emu.launch(k, Dim3.of(1), Dim3.of(32), 0, KernelArgs.of().ptr(p).i32(1).ptr(p).i32(4))),
                "vecAdd", "parameter b", ".u64", "I32");
    }

    @Test
    void instructionsAreCounted() {
        int n = 1000;
        DevicePtr a = emu.malloc(4L * n);
        GpuKernel k = emu.kernel(emu.loadModule(VECTOR_ADD), "vecAdd");
        emu.launch(k, Dim3.of(4), Dim3.of(256), 0, KernelArgs.of().ptr(a).ptr(a).ptr(a).i32(n));
        // 1024 threads each run at least the index computation and the bounds test.
        assertTrue(emu.instructionsExecuted() > 1024 * 7, "counted " + emu.instructionsExecuted());
    }
}
