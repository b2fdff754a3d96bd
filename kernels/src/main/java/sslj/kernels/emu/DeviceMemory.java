package sslj.kernels.emu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.TreeMap;

/**
 * The emulated device's global memory: a sparse 64-bit address space of allocations, each backed by a
 * little-endian byte array.
 *
 * <p>Allocations start at {@link #BASE} (never at 0, so a null pointer always faults), are 256-byte
 * aligned like cudaMalloc's, and are separated by a 1 MiB unmapped gap, so an overrun lands in
 * unmapped memory instead of a neighbour. Addresses are never reused: after {@link #free}, any access
 * to the old range faults and the message says the memory was freed.
 */
final class DeviceMemory {
    static final long BASE = 0x7000_0000_0000L;
    private static final long GAP = 1L << 20;
    private static final long ALIGN = 256;
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    /** One allocation: its base address and its bytes. */
    static final class Allocation {
        final long base;
        final byte[] data;

        Allocation(long base, int bytes) {
            this.base = base;
            this.data = new byte[bytes];
        }

        long end() { return base + data.length; }

        @Override
        public String toString() { return String.format("allocation 0x%x (%d bytes)", base, data.length); }
    }

    /** Thrown by an access that misses every live allocation; the caller adds the kernel and thread. */
    static final class Fault extends RuntimeException {
        Fault(String message) { super(message, null, false, false); }
    }

    private final TreeMap<Long, Allocation> live = new TreeMap<>();
    private final TreeMap<Long, Allocation> freed = new TreeMap<>();
    private long next = BASE;
    /** The allocation the last access hit: consecutive accesses usually hit the same one. */
    private Allocation last;

    Allocation allocate(long bytes) {
        if (bytes < 0 || bytes > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("cannot allocate " + bytes + " bytes (the emulator allows 0 .. 2 GiB per allocation)");
        }
        Allocation a = new Allocation(next, (int) bytes);
        live.put(a.base, a);
        next = (a.end() + GAP + ALIGN - 1) / ALIGN * ALIGN;
        return a;
    }

    /** Frees the allocation starting exactly at {@code address}; false when there is none. */
    boolean free(long address) {
        Allocation a = live.remove(address);
        if (a == null) return false;
        freed.put(a.base, a);
        if (last == a) last = null;
        return true;
    }

    void freeAll() {
        freed.putAll(live);
        live.clear();
        last = null;
    }

    int liveCount() { return live.size(); }

    /** The live allocation holding all of {@code [address, address + bytes)}, or a {@link Fault}. */
    Allocation find(long address, long bytes, String access) {
        Allocation a = last;
        if (a != null && address >= a.base && address + bytes <= a.end()) return a;
        Map.Entry<Long, Allocation> e = live.floorEntry(address);
        if (e != null && address + bytes <= e.getValue().end() && bytes >= 0) {
            last = e.getValue();
            return last;
        }
        throw new Fault(String.format("%s of %d bytes at address 0x%x: %s", access, bytes, address, describe(address, bytes)));
    }

    /** Where {@code address} falls relative to the allocations: inside, past the end, freed, unmapped. */
    String describe(long address, long bytes) {
        Map.Entry<Long, Allocation> below = live.floorEntry(address);
        if (below != null && address < below.getValue().end()) {
            Allocation a = below.getValue();
            return String.format("runs %d bytes past the end of %s (starts at offset %d)",
                    address + bytes - a.end(), a, address - a.base);
        }
        Map.Entry<Long, Allocation> dead = freed.floorEntry(address);
        if (dead != null && address < dead.getValue().end()) return "use after free: inside " + dead.getValue() + ", which was freed";
        StringBuilder sb = new StringBuilder("unmapped");
        if (address == 0) sb.append(" (null pointer)");
        if (below != null) {
            sb.append(String.format("; %d bytes past the end of %s", address - below.getValue().end(), below.getValue()));
        }
        Map.Entry<Long, Allocation> above = live.ceilingEntry(address);
        if (above != null) sb.append(String.format("; %d bytes before %s", above.getKey() - address, above.getValue()));
        if (below == null && above == null) sb.append("; no live allocations");
        return sb.toString();
    }

    // ---- little-endian access, shared with the block's shared memory ---------------------------

    /** Reads {@code bytes} (1, 2, 4, 8) bytes at {@code offset} of {@code data}, zero-extended. */
    static long read(byte[] data, int offset, int bytes) {
        return switch (bytes) {
            case 4 -> (int) INT.get(data, offset) & 0xFFFF_FFFFL;
            case 8 -> (long) LONG.get(data, offset);
            case 2 -> (short) SHORT.get(data, offset) & 0xFFFFL;
            case 1 -> data[offset] & 0xFFL;
            default -> throw new IllegalArgumentException("access size " + bytes);
        };
    }

    /** Writes the low {@code bytes} bytes of {@code value} at {@code offset}. */
    static void write(byte[] data, int offset, int bytes, long value) {
        switch (bytes) {
            case 4 -> INT.set(data, offset, (int) value);
            case 8 -> LONG.set(data, offset, value);
            case 2 -> SHORT.set(data, offset, (short) value);
            case 1 -> data[offset] = (byte) value;
            default -> throw new IllegalArgumentException("access size " + bytes);
        }
    }
}
